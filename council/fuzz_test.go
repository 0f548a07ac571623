package council

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"

	"maeul"
)

// FuzzRoster feeds arbitrary bytes to the member-list reader as a CSV and
// as an .xlsx: no panic; a file-level refusal is an EINVALID with a key, and
// row problems name a row.
func FuzzRoster(f *testing.F) {
	f.Add([]byte("이름,성별,출생연도,소속\n김주민,여,1980,일반\n\n이주민,남,1987년,통장\n"), false)
	f.Add([]byte("\xef\xbb\xbfname,sex,born\nKim,f,1990\n"), false)
	f.Add([]byte("\xc0\xcc\xb8\xa7,\xbc\xba\xba\xb0,\xc3\xe2\xbb\xfd\xbf\xac\xb5\xb5\n\xb1\xe8,\xbf\xa9,1980\n"), false) // CP949
	f.Add([]byte("이름,성별\n\"unterminated,여\n"), false)
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"연번", "이름", "성별", "출생연도", "소속"})
	x.SetSheetRow("Sheet1", "A2", &[]any{1, "김주민", "여", 1980, "주민자치위원"})
	x.SetSheetRow("Sheet1", "A4", &[]any{2, "이주민", "남", "1999년", "반장"})
	var b bytes.Buffer
	x.Write(&b)
	f.Add(b.Bytes(), true)
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		name := "명단.csv"
		if xlsx {
			name = "명단.xlsx"
		}
		members, rowErrs, err := ParseFile(name, data, 2026)
		if err != nil {
			var me *maeul.Error
			if !errors.As(err, &me) || me.Code != maeul.EINVALID || me.Key == "" {
				t.Fatalf("ParseFile: %#v", err)
			}
			return
		}
		for _, re := range rowErrs {
			if re.Row < 1 || re.Key == "" {
				t.Fatalf("row error %+v", re)
			}
		}
		if len(members) > MaxMembers {
			t.Fatalf("%d members", len(members))
		}
	})
}
