package assembly_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"maeul"
	"maeul/assembly"
)

// checkImport is what every import answer must be: rows within the limit,
// or a *maeul.Error the import page can show (EINVALID with a key).
func checkImport(t *testing.T, name string, data []byte) {
	// A hang is a failure too: crash the worker so the fuzzer keeps the input.
	slow := time.AfterFunc(10*time.Second, func() { panic("ImportRows(" + name + ") took over 10 s") })
	defer slow.Stop()
	rows, err := assembly.ImportRows(name, data)
	if err != nil {
		var me *maeul.Error
		if !errors.As(err, &me) || me.Code != maeul.EINVALID || me.Key == "" {
			t.Fatalf("ImportRows(%s): %#v", name, err)
		}
		return
	}
	if len(rows) == 0 || len(rows) > assembly.MaxImportRows {
		t.Fatalf("ImportRows(%s): %d rows", name, len(rows))
	}
}

// FuzzImportCSV feeds arbitrary bytes to the agenda import as a CSV: it
// never panics and answers rows or an EINVALID.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte(goodCSV))
	f.Add([]byte("사업명\t사업내용\t위치\t사업비 (백만원)\n조명\t설치\t골목\t2.5\n"))
	f.Add([]byte("사업명;사업비 (원)\n\"a;b\";1,000\n"))
	f.Add([]byte("\xef\xbb\xbf사업명,사업비\n\"unterminated,5\n"))
	f.Add([]byte("\xbb\xe7\xbe\xf7\xb8\xed,\xbb\xe7\xbe\xf7\xba\xf1\n\xc1\xb6\xb8\xed,1000\n")) // CP949
	f.Add([]byte("사업명,사업비 (원),사업비 (백만원)\nx,1,1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkImport(t, "agendas.csv", data)
	})
}

// FuzzImportXLSX feeds arbitrary bytes to the agenda import as an .xlsx,
// seeded with real sheets (good, bad rows, far cells): it never panics and
// answers rows or an EINVALID.
func FuzzImportXLSX(f *testing.F) {
	sheet := func(rows ...[]any) []byte {
		x := excelize.NewFile()
		defer x.Close()
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			x.SetSheetRow("Sheet1", cell, &r)
		}
		var b bytes.Buffer
		x.Write(&b)
		return b.Bytes()
	}
	f.Add(sheet([]any{"사업명", "사업내용", "위치", "사업비 (원)"}, []any{"조명", "설치", "골목", 5000000}))
	f.Add(sheet([]any{"사업명", "사업비 (백만원)"}, []any{"조명", 2.5}, []any{}, []any{"그늘막", "x"}))
	f.Add(sheet([]any{"연번", "사업명", "사업비", "실행유형"}, []any{1, "조명", "1,000원", "관주도형"}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkImport(t, "agendas.xlsx", data)
	})
}

// FuzzPhoto feeds arbitrary bytes to the photo path: small images are
// decoded and scaled, anything else refused as EINVALID; never a panic, and
// never a picture wider than 800 px.
func FuzzPhoto(f *testing.F) {
	f.Add(testPNG(f, 12, 8))
	for o := range 9 {
		f.Add(quadrantJPEG(f, o, o%2 == 1))
	}
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\x00\x00\x00\x08"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		out, w, h, err := assembly.ResizePhoto(data)
		if err != nil {
			var me *maeul.Error
			if !errors.As(err, &me) || me.Code != maeul.EINVALID {
				t.Fatalf("ResizePhoto: %#v", err)
			}
			return
		}
		if len(out) == 0 || w <= 0 || h <= 0 || w > assembly.PhotoMaxWidth {
			t.Fatalf("ResizePhoto: %d bytes, %d×%d", len(out), w, h)
		}
	})
}
