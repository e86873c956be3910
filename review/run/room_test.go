package run

import "testing"

// TestReadsASmallChange: 'quorum doctor' fails a model exactly where a
// review of it would read nothing. A model measured at 0.75 bytes a token
// (a byte-level tokenizer) run at num_ctx 4096 reads no line beside the
// prompt and the fifth of the context the answer keeps, whatever
// --num-predict (the check planned an empty diff, unsafely, and passed);
// at 8192 it reads. Lowering --num-predict is named only where it helps.
func TestReadsASmallChange(t *testing.T) {
	for _, tc := range []struct {
		numCtx, numPredict int
		bpt                float64
		reads              bool
		lowerTo            int
	}{
		{4096, 800, 0.75, false, 0},
		{4096, 100, 0.75, false, 0},
		{8192, 4096, 0.75, true, 0},
		{4096, 4096, 3.0, true, 0},
		{2048, 1024, 2.5, false, 409},
	} {
		reads, err := ReadsASmallChange(tc.numCtx, tc.numPredict, tc.bpt)
		if err != nil || reads != tc.reads {
			t.Errorf("num_ctx %d, num_predict %d, %.2f bytes a token: reads %v (%v), want %v", tc.numCtx, tc.numPredict, tc.bpt, reads, err, tc.reads)
		}
		if got := LowerNumPredict(tc.numCtx, tc.numPredict, tc.bpt); !tc.reads && got != tc.lowerTo {
			t.Errorf("num_ctx %d, num_predict %d, %.2f bytes a token: lower to %d, want %d", tc.numCtx, tc.numPredict, tc.bpt, got, tc.lowerTo)
		}
	}
}
