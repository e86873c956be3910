package review

import "testing"

func TestFixIsDiff(t *testing.T) {
	for fix, want := range map[string]bool{
		"-old()\n+new()":      true,
		"@@ -1 +1 @@\n-a\n+b": true,
		"-log.Printf(\"tok %s\", tok)\n-debugDump(req)": true, // only deletes
		"-a\n+b\n\\ No newline at end of file":          true,
		" context\n+added":                              true,
		"x := 1":                                        false,
		"if err != nil {\n\treturn err\n}":              false,
		"+1 for this":                                   true, // reads as a diff line; rare in a fix
		"":                                              false,
		"Check the error.":                              false,
		"--- a/x.go\n+++ b/x.go\n@@ -1 +1 @@\n-a\n+b\n": true,
		"- run: make test\n  env:\n    CGO_ENABLED: 0":  false, // a YAML list item
		"- old line\n+ new line":                        true,
	} {
		if got := FixIsDiff(fix); got != want {
			t.Errorf("FixIsDiff(%q) = %v, want %v", fix, got, want)
		}
	}
}

// A list of advice is words even when an item quotes code; a diff that
// deletes lines is not a list.
func TestFixIsProseLists(t *testing.T) {
	for fix, want := range map[string]bool{
		"- Pass a list of arguments instead of a string\n- Drop shell=True": true,
		"1. Check the error\n2) Close the file":                             true,
		"- Check the error first\n1. Then close the file":                   true,
		"-    return eval(data)\n-    x = 1":                                false,
		"- x = 1\n- y = 2":                                                  false,
		"-1 if cmd is None else len(cmd)":                                   false,
		// Advice that starts with a verb some languages use as a keyword.
		"set a timeout on the HTTP client":                    true,
		"make the mutex a field of the struct":                true,
		"exit early when the config is missing":               true,
		"local variables should not shadow the package name":  true,
		"source the credentials from the environment instead": true,
		"trap errors and clean up the temp dir":               true,
	} {
		if got := FixIsProse(fix); got != want {
			t.Errorf("FixIsProse(%q) = %v, want %v", fix, got, want)
		}
	}
}

// Words beside code (a lead-in, a sentence, the fences of several blocks)
// make a fix neither code nor words; code with comments, keywords ending in
// a colon or backticks inside a string is code, and words alone are words.
func TestFixMixesWords(t *testing.T) {
	for fix, want := range map[string]bool{
		"Use a parameterized query:\n```go\nrows, err := db.Query(q, name)\n```\nand check the error:\n```go\nif err != nil {\n\treturn\n}\n```": true,
		"Replace with:\n\n    if rows != nil {\n        defer rows.Close()\n    }\n\nThis avoids a nil dereference.":                             true,
		"if err != nil {\n\treturn err\n}\nThis avoids the panic.":                                                                               true,
		"```\nx := 1\n```\n```\ny := 2\n```":                                           true,
		"~~~\nx := 1":                                                                  true,
		"if err != nil {\n\treturn err\n}":                                             false,
		"n := len(s)\ns := \"``````\"\ntotal := 100 / n":                               false,
		"// check the error\nif err != nil {\n\treturn err\n}":                         false,
		"class Cache:\n    pass":                                                       false,
		"try:\n    run()\nexcept ValueError:\n    pass":                                false,
		"def f():\n    \"\"\"\n    Return the value of x.\n    \"\"\"\n    return x":   false,
		"match command:\n    case \"go\":\n        run()":                              false,
		"Return an error instead of panicking\nfunc Put() error {\n\treturn nil\n}":    true,
		"func Put() error {\n\treturn nil\n}\nThen update every caller to check it":    true,
		"Fix (return an error):\nfunc Put() error {\n\treturn nil\n}":                  true,
		"Use errors.New() here.\nfunc Put() error {\n\treturn nil\n}":                  true,
		"Option A - return an error\nfunc Put() error {\n\treturn nil\n}":              true,
		"Fix:\nfunc Put() error {\n\treturn nil\n}":                                    true,
		"Before:\nfunc Put() { panic(\"put\") }\nAfter:\nfunc Put() error {}":          true,
		"// Put stores the value. It fails when:\nfunc Put() error {\n\treturn nil\n}": false,
		"Outer:\n\tfor {\n\t\tbreak Outer\n\t}":                                        false, // a Go label
		"results: make(map[string]int)":                                                false, // a struct literal's field
		"mu.Lock()\n* Also call mu.Unlock() in a defer.":                               true,
		"mu.Lock()\n- Then call mu.Unlock() via defer.":                                true,
		"/*\n * Lock first.\n */\nmu.Lock()":                                           false,
		"set -eu\nexit 1":                                                              false,
		"global counter\ncounter += 1":                                                 false,
		"DROP TABLE sessions\nGO":                                                      false,
		"trap cleanup EXIT\nrm -rf \"$DIR/build\"":                                     false,
		"SELECT id, name\nFROM users\nWHERE active = true\nORDER BY id;":               false,
		"DELETE FROM users WHERE id IN (SELECT id FROM stale)\nCOMMIT":                 false,
		"BEGIN TRANSACTION\nDELETE FROM users WHERE expired = 1\nCOMMIT":               false,
		"f.Close()\nthen update every caller":                                          true,
		"defer f.Close()\nthis avoids the leak":                                        true,
		"f.Close()\nUse a context manager; never leave the file open":                  true,
		"data = load()\nNote that data = None if the file is missing.":                 true,
		"x = y if z else w\nreturn x":                                                  false,
		"WORKDIR /src\nRUN go build -o /app .":                                         false,
		"FROM gcr.io/distroless/static AS runtime\nCOPY --from=build /app /app":        false,
		"SELECT id FROM t\nORDER BY created_at DESC":                                   false,
		"image: nginx\nimagePullPolicy: Always":                                        false,
		"Description: Pinned image for the web pod":                                    false,
		"x := 1\nNote: this avoids the leak":                                           true,
		"Check the error.\nThen close the file.":                                       false, // words alone
		"":                                                                             false,
	} {
		if got := FixMixesWords(fix); got != want {
			t.Errorf("FixMixesWords(%q) = %v, want %v", fix, got, want)
		}
	}
}
