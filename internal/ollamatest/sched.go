package ollamatest

import (
	"context"
	"errors"
	"slices"
	"time"
)

// The scheduler mimics ollama's: at most MaxLoaded models resident, each
// serving NumParallel requests at once; a model that is not resident is
// loaded (taking its LoadTime) once an idle resident model can be evicted,
// least recently used first. Waiting is context-aware so a client that gives
// up frees its handler at once.

type slot struct {
	model         string
	loading       bool
	active        int
	lastUse       time.Time
	numCtx        int
	expires       time.Time
	size          int64
	digest        string
	unloadOnIdle  bool
	loadStartedAt time.Time
}

// LoadEvent is one model load, with its real (scaled) start and end.
type LoadEvent struct {
	Model      string
	Start, End time.Time
}

var errClosed = errors.New("fake server closed")

// broadcastLocked wakes every waiter; s.mu must be held.
func (s *Server) broadcastLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) findLocked(name string) *slot {
	for _, sl := range s.resident {
		if sl.model == name {
			return sl
		}
	}
	return nil
}

// evictLocked drops the least recently used idle model; false if none is idle.
func (s *Server) evictLocked() bool {
	idx := -1
	for i, sl := range s.resident {
		if sl.loading || sl.active > 0 {
			continue
		}
		if idx < 0 || sl.lastUse.Before(s.resident[idx].lastUse) {
			idx = i
		}
	}
	if idx < 0 {
		return false
	}
	s.resident = slices.Delete(s.resident, idx, idx+1)
	return true
}

// acquire waits for a request slot on m, loading it if needed. It returns
// whether it loaded m, the simulated load duration and a release func.
func (s *Server) acquire(ctx context.Context, m Model, numCtx int, keepAlive time.Duration) (bool, time.Duration, func(), error) {
	s.mu.Lock()
	for {
		sl := s.findLocked(m.Name)
		if sl != nil && !sl.loading && sl.numCtx != numCtx {
			// Like ollama, a request for another context size reloads the
			// model, once the requests running on the old one are done.
			if sl.active == 0 {
				s.resident = slices.DeleteFunc(s.resident, func(x *slot) bool { return x == sl })
				continue
			}
		} else if sl != nil && !sl.loading && sl.active < s.numParallel {
			sl.active++
			sl.lastUse = time.Now()
			sl.expires = expiry(keepAlive)
			s.mu.Unlock()
			return false, 0, s.releaser(sl, keepAlive), nil
		}
		if sl == nil && (len(s.resident) < s.maxLoaded || s.evictLocked()) {
			sl = &slot{model: m.Name, loading: true, numCtx: numCtx, size: m.Size, digest: m.digest(), loadStartedAt: time.Now()}
			s.resident = append(s.resident, sl)
			s.broadcastLocked()
			s.mu.Unlock()

			load := m.LoadTime
			if load <= 0 {
				load = s.cfg.LoadTime
			}
			err := s.sleep(ctx, load)

			s.mu.Lock()
			if err != nil {
				s.resident = slices.DeleteFunc(s.resident, func(x *slot) bool { return x == sl })
				s.broadcastLocked()
				s.mu.Unlock()
				return false, 0, nil, err
			}
			sl.loading = false
			sl.active++
			sl.lastUse = time.Now()
			sl.expires = expiry(keepAlive)
			s.loads = append(s.loads, LoadEvent{Model: m.Name, Start: sl.loadStartedAt, End: time.Now()})
			s.broadcastLocked()
			s.mu.Unlock()
			return true, load, s.releaser(sl, keepAlive), nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return false, 0, nil, ctx.Err()
		case <-s.done:
			return false, 0, nil, errClosed
		}
		s.mu.Lock()
	}
}

func (s *Server) releaser(sl *slot, keepAlive time.Duration) func() {
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		sl.active--
		sl.lastUse = time.Now()
		if keepAlive == 0 {
			sl.unloadOnIdle = true
		}
		if sl.unloadOnIdle && sl.active == 0 {
			s.resident = slices.DeleteFunc(s.resident, func(x *slot) bool { return x == sl })
		}
		s.broadcastLocked()
	}
}

// unload frees name now, or after its running requests when it is busy.
func (s *Server) unload(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sl := s.findLocked(name)
	if sl == nil {
		return
	}
	if sl.active == 0 && !sl.loading {
		s.resident = slices.DeleteFunc(s.resident, func(x *slot) bool { return x == sl })
	} else {
		sl.unloadOnIdle = true
	}
	s.broadcastLocked()
}

// keepAliveDefault is ollama's default keep_alive; a negative value means
// forever, 0 unload as soon as idle.
const keepAliveDefault = 5 * time.Minute

func expiry(keepAlive time.Duration) time.Time {
	if keepAlive < 0 || keepAlive > 100*365*24*time.Hour {
		return time.Date(2318, 1, 1, 0, 0, 0, 0, time.UTC) // what ollama shows for "forever"
	}
	return time.Now().Add(keepAlive)
}

// sleep waits d scaled by TimeScale, giving up when ctx ends or the server closes.
func (s *Server) sleep(ctx context.Context, d time.Duration) error {
	return s.sleepUntil(ctx, time.Now().Add(s.scaled(d)))
}

func (s *Server) sleepUntil(ctx context.Context, t time.Time) error {
	wait := time.Until(t)
	if wait <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return errClosed
	}
}

func (s *Server) scaled(d time.Duration) time.Duration {
	if s.cfg.TimeScale <= 0 || d <= 0 {
		return 0
	}
	return time.Duration(float64(d) * s.cfg.TimeScale)
}
