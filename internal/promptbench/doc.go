// Package promptbench measures what quorum sends to a model for real branches (issue 12); it holds only a tagged test.
package promptbench
