package config

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// applyEnv applies QUORUM_* variables (QUORUM_HOOK_FAIL_ON sets
// hook.fail_on; lists are comma-separated). QUORUM_OLLAMA_HOST is the old
// name of QUORUM_HOST: when both are set, QUORUM_HOST wins.
func (c *Config) applyEnv(getenv func(string) string, dir string) error {
	for i := range fields {
		f := &fields[i]
		name := envName(f.key)
		s := getenv(name)
		if s == "" || f.key == "ollama_host" && getenv(envName("host")) != "" {
			continue
		}
		if err := c.setEnv(f, name, s, dir); err != nil {
			return err
		}
	}
	return nil
}

// applyOllamaHost applies OLLAMA_HOST, the ollama CLI's own variable, so
// quorum talks to the server the ollama CLI uses. It is the lowest layer
// above the default: any host set in a file, by QUORUM_HOST or by
// QUORUM_OLLAMA_HOST beats it (a .quorum.yaml's host is the repository's
// server, and an exported OLLAMA_HOST=0.0.0.0 for 'ollama serve' must not
// hide it). Called after the files and QUORUM_* variables, it reads
// OLLAMA_HOST only when none of them set the host, so a bad value they
// override cannot fail a run (a --host flag, applied after Load, does not
// save one: it is an error naming OLLAMA_HOST, as before).
func (c *Config) applyOllamaHost(getenv func(string) string, dir string) error {
	if c.Source("host").Kind != FromDefault {
		return nil
	}
	s := getenv("OLLAMA_HOST")
	if s == "" {
		return nil
	}
	return c.setEnv(lookupField("host"), "OLLAMA_HOST", s, dir)
}

// setEnv sets f from the variable name's value s.
func (c *Config) setEnv(f *field, name, s, dir string) error {
	if err := f.set(c, value{scalar: s, dir: dir}); err != nil {
		return wrap(unlocated(err, "env "+name, f.key))
	}
	c.setSource(f.key, Source{Kind: FromEnv, Name: name})
	return nil
}

// ApplyFlags applies the flags the user set on the command line, highest
// precedence. keys maps a flag name to the configuration key it sets
// ("fail-on" -> "review.fail_on"); flags left at their defaults are ignored,
// so a flag's default never hides a value from a file or the environment.
func (c *Config) ApplyFlags(fs *pflag.FlagSet, keys map[string]string) error {
	// In name order, so two bad flags report the same one every run.
	for _, name := range slices.Sorted(maps.Keys(keys)) {
		key := keys[name]
		fl := fs.Lookup(name)
		if fl == nil || !fl.Changed {
			continue
		}
		f := lookupField(key)
		if f == nil {
			return fmt.Errorf("config: flag --%s maps to unknown key %q", name, key)
		}
		v := value{scalar: fl.Value.String(), dir: c.Root}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			v = value{list: sv.GetSlice(), isList: true, dir: c.Root}
			if len(v.list) == 0 {
				// `--models "$MODELS"` with MODELS unset: a mistake, never
				// "the default" (leaving the flag out says that).
				return wrap(unlocated(bad(fmt.Sprintf("give --%s a comma-separated list, or leave it out for the default", name), "empty list"), "flag --"+name, flagKey(name, f.key)))
			}
		}
		if err := f.set(c, v); err != nil {
			return wrap(unlocated(err, "flag --"+name, flagKey(name, f.key)))
		}
		c.setSource(key, Source{Kind: FromFlag, Name: name})
	}
	return nil
}

// Set sets key from a string as a flag would, recording src; for callers
// whose flags do not map one-to-one onto keys.
func (c *Config) Set(key, s string, src Source) error {
	f := lookupField(key)
	if f == nil {
		return fmt.Errorf("config: unknown key %q", key)
	}
	if err := f.set(c, value{scalar: s, dir: c.Root}); err != nil {
		where, k := src.String(), key
		if src.Kind == FromFlag {
			k = flagKey(src.Name, key)
		}
		return wrap(unlocated(err, where, k))
	}
	c.setSource(key, src)
	return nil
}

// flagKey is the key to name after "flag --name": none when it is the flag's
// own name ("flag --context: context: ..." would say it twice), else the key
// the flag sets (review.fail_on for --fail-on).
func flagKey(name, key string) string {
	if strings.ReplaceAll(name, "-", "_") == key {
		return ""
	}
	return key
}

func unlocated(err error, where, key string) *Error {
	prefix := ""
	if key != "" {
		prefix = key + ": "
	}
	var bv *badValue
	if errors.As(err, &bv) {
		return &Error{File: where, Msg: prefix + bv.msg, Hint: bv.hint}
	}
	return &Error{File: where, Msg: prefix + strings.TrimSpace(err.Error())}
}
