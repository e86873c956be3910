package anchor

// LineText returns the real new-side text of line n in path, if the diff shows it.
func (ix *Index) LineText(path string, n int) (string, bool) {
	fi := ix.file(path)
	if fi == nil {
		return "", false
	}
	i, ok := fi.byNew[n]
	if !ok {
		return "", false
	}
	return fi.lines[i].text, true
}
