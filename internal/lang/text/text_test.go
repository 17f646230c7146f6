package text

import "testing"

// TestIsBinaryExt checks the table of binary extensions, built on first
// use: formats that are binary, and text formats that are not.
func TestIsBinaryExt(t *testing.T) {
	for ext, want := range map[string]bool{".png": true, ".zip": true, ".safetensors": true, ".pgp": true, ".wasm": true,
		".go": false, ".md": false, ".txt": false, ".json": false, "": false, ".PNG": false} {
		if got := IsBinaryExt(ext); got != want {
			t.Errorf("IsBinaryExt(%q) = %v, want %v", ext, got, want)
		}
	}
}
