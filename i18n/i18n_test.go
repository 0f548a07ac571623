package i18n_test

import (
	"testing"
	"testing/fstest"

	"maeul/i18n"
)

func TestCatalogueComplete(t *testing.T) {
	// Default panics at init when a key lacks English; reaching here means
	// the embedded catalogue is complete. Check the loader catches it.
	t.Run("missing english refused", func(t *testing.T) {
		fsys := fstest.MapFS{"messages/a.json": {Data: []byte(`{"x": {"ko": "가"}}`)}}
		if _, err := i18n.Load(fsys); err == nil {
			t.Fatal("a key without English text was accepted")
		}
	})
	t.Run("duplicate key refused", func(t *testing.T) {
		fsys := fstest.MapFS{
			"messages/a.json": {Data: []byte(`{"x": {"ko": "가", "en": "a"}}`)},
			"messages/b.json": {Data: []byte(`{"x": {"ko": "나", "en": "b"}}`)},
		}
		if _, err := i18n.Load(fsys); err == nil {
			t.Fatal("a duplicate key was accepted")
		}
	})
	t.Run("unknown key is visible", func(t *testing.T) {
		if got := i18n.T("en", "no.such.key"); got != "⟦no.such.key⟧" {
			t.Fatalf("got %q", got)
		}
	})
	if len(i18n.Default.Keys()) == 0 {
		t.Fatal("the embedded catalogue is empty")
	}
}
