// Package sharedtest finds the project's shared evaluation files
// (../shared beside the repository: the seed article, gold events, the PLOVER
// gold-standard sentences) for tests. They are not ours to republish, so they
// are never copied into the repository, and tests that need them skip where
// they are absent.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared directory, or skips the test with a message.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the package: cannot locate ../shared")
		}
		dir = parent
	}
	shared := filepath.Join(filepath.Dir(dir), "shared")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("%s is absent: the shared evaluation files are not in this checkout", shared)
	}
	return shared
}

// Read returns a shared file's bytes, or skips the test when it is absent.
func Read(t testing.TB, rel string) []byte {
	t.Helper()
	p := filepath.Join(Dir(t), rel)
	b, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		t.Skipf("%s is absent", p)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}
