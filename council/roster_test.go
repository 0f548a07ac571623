package council

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"

	"maeul/database/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// crowd builds n members for plan year 2026: the first men are male, the
// first officials are 주민자치위원, the first young are born 1987 (39 in 2026),
// the rest born 1986 (40).
func crowd(n, men, officials, young int) []Member {
	ms := make([]Member, n)
	for i := range ms {
		ms[i] = Member{Row: i + 2, Name: "주민", Gender: Female, BirthYear: 1986, Affiliation: General}
		if i < men {
			ms[i].Gender = Male
		}
		if i < officials {
			ms[i].Affiliation = Committee
		}
		if i < young {
			ms[i].BirthYear = 1987
		}
	}
	return ms
}

func TestRulesAtTheBoundaries(t *testing.T) {
	const year = 2026
	cases := []struct {
		name    string
		members []Member
		rule    int
		ok      bool
	}{
		{"30 members pass", crowd(30, 15, 0, 3), 0, true},
		{"29 members fail", crowd(29, 14, 0, 3), 0, false},
		{"exactly 60 % men fail (특정 성별이 60% 이상이 되지 않도록)", crowd(30, 18, 0, 3), 1, false},
		{"59 % men pass (17 of 29)", crowd(29, 17, 0, 3), 1, true},
		{"56.7 % men pass (17 of 30)", crowd(30, 17, 0, 3), 1, true},
		{"61 % men fail (19 of 31)", crowd(31, 19, 0, 4), 1, false},
		{"exactly 60 % women fail", crowd(30, 12, 0, 3), 1, false},
		{"50/50 passes", crowd(30, 15, 0, 3), 1, true},
		{"63 % women fail (19 of 30 → 11 men)", crowd(30, 11, 0, 3), 1, false},
		{"exactly 50 % non-officials pass", crowd(30, 15, 15, 3), 2, true},
		{"under 50 % non-officials fail (14 of 30)", crowd(30, 15, 16, 3), 2, false},
		{"exactly 10 % young pass", crowd(30, 15, 0, 3), 3, true},
		{"under 10 % young fail (2 of 30)", crowd(30, 15, 0, 2), 3, false},
		{"exactly 10 % of 40 young pass", crowd(40, 20, 0, 4), 3, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := Rules(Count(c.members, year))
			if rs[c.rule].OK != c.ok {
				t.Fatalf("rule %s: ok=%v, want %v (%+v)", rs[c.rule].Key, rs[c.rule].OK, c.ok, Count(c.members, year))
			}
		})
	}
	t.Run("tong and ban heads are officials too", func(t *testing.T) {
		ms := crowd(30, 15, 0, 3)
		for i := 0; i < 8; i++ {
			ms[i].Affiliation = Tong
		}
		for i := 8; i < 16; i++ {
			ms[i].Affiliation = Ban
		}
		c := Count(ms, year)
		if c.TongBan() != 16 || c.General != 14 || Rules(c)[2].OK {
			t.Fatalf("%+v", c)
		}
	})
	t.Run("age boundary: born plan year − 39 is young, − 40 is not", func(t *testing.T) {
		c := Count([]Member{{Gender: Male, BirthYear: 1987}, {Gender: Male, BirthYear: 1986}}, year)
		if c.Age39 != 1 || c.Age40s != 1 {
			t.Fatalf("%+v", c)
		}
		// The plan's own example: in 2017, born 1978 counts.
		c = Count([]Member{{Gender: Male, BirthYear: 1978}, {Gender: Male, BirthYear: 1977}}, 2017)
		if c.Age39 != 1 || c.Age40s != 1 {
			t.Fatalf("2017: %+v", c)
		}
	})
	t.Run("age brackets", func(t *testing.T) {
		c := Count([]Member{{BirthYear: 2000}, {BirthYear: 1977}, {BirthYear: 1967}, {BirthYear: 1957}, {BirthYear: 1956}, {BirthYear: 1930}}, year)
		if c.Age39 != 1 || c.Age40s != 1 || c.Age50s != 1 || c.Age60s != 1 || c.Age70 != 2 {
			t.Fatalf("%+v", c)
		}
	})
	t.Run("a good council passes all four", func(t *testing.T) {
		if !AllOK(Rules(Count(crowd(30, 15, 10, 3), year))) {
			t.Fatal("want all ok")
		}
	})
}

func TestParseFile(t *testing.T) {
	const year = 2026
	t.Run("utf-8 with BOM, any column order, extra columns ignored", func(t *testing.T) {
		csv := "\uFEFF연번,소속,이름,연락처,성별,출생연도\n1,주민자치위원,김하나,010-1,여,1960\n2,,이둘,010-2,남,1990\n3,통장,박셋,,남성,1955년\n"
		ms, errs, err := ParseFile("list.csv", []byte(csv), year)
		if err != nil || len(errs) > 0 {
			t.Fatal(err, errs)
		}
		if len(ms) != 3 || ms[0].Name != "김하나" || ms[0].Affiliation != Committee || ms[1].Affiliation != General ||
			ms[2].Gender != Male || ms[2].BirthYear != 1955 || ms[2].Row != 4 {
			t.Fatalf("%+v", ms)
		}
	})
	t.Run("english column names and values", func(t *testing.T) {
		ms, errs, err := ParseFile("list.csv", []byte("Name,Gender,Birth year,Affiliation\nKim,F,1990,tong\nLee,M,1950,\n"), year)
		if err != nil || len(errs) > 0 || len(ms) != 2 || ms[0].Affiliation != Tong || ms[0].Gender != Female || ms[1].Affiliation != General {
			t.Fatal(ms, errs, err)
		}
	})
	t.Run("cp949", func(t *testing.T) {
		enc, _ := korean.EUCKR.NewEncoder().Bytes([]byte("이름,성별,출생연도,소속\n홍길동,남,1980,반장\n"))
		ms, errs, err := ParseFile("list.csv", enc, year)
		if err != nil || len(errs) > 0 || len(ms) != 1 || ms[0].Name != "홍길동" || ms[0].Affiliation != Ban {
			t.Fatal(ms, errs, err)
		}
	})
	t.Run("xlsx", func(t *testing.T) {
		f := excelize.NewFile()
		rows := [][]any{{"이름", "성별", "출생연도", "소속"}, {"가", "여", 1985, "일반"}, {"나", "남", "1950", ""}}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow("Sheet1", cell, &r)
		}
		var buf bytes.Buffer
		f.Write(&buf)
		ms, errs, err := ParseFile("list.xlsx", buf.Bytes(), year)
		if err != nil || len(errs) > 0 || len(ms) != 2 || ms[0].BirthYear != 1985 || ms[1].Gender != Male {
			t.Fatal(ms, errs, err)
		}
	})
	t.Run("bad rows are reported with their row number", func(t *testing.T) {
		csv := "이름,성별,출생연도,소속\n김,남,1980,\n,여,1980,\n이,X,1980,\n박,여,80,\n최,남,1980,동장\n정,여,2030,\n\n조,남,1899,\n"
		_, errs, err := ParseFile("list.csv", []byte(csv), year)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]string{3: "council.err.name", 4: "council.err.gender", 5: "council.err.birth",
			6: "council.err.affiliation", 7: "council.err.birth_range", 9: "council.err.birth_range"}
		if len(errs) != len(want) {
			t.Fatalf("%d errors, want %d: %+v", len(errs), len(want), errs)
		}
		for _, e := range errs {
			if want[e.Row] != e.Key {
				t.Errorf("row %d: %s, want %s", e.Row, e.Key, want[e.Row])
			}
		}
	})
	t.Run("missing column", func(t *testing.T) {
		_, errs, err := ParseFile("list.csv", []byte("이름,성별\n김,남\n"), year)
		if err != nil || len(errs) != 1 || errs[0].Key != "council.err.no_column" || errs[0].Row != 1 {
			t.Fatal(errs, err)
		}
	})
	t.Run("not a list", func(t *testing.T) {
		for name, data := range map[string]string{"empty.csv": "", "x.pdf": "%PDF", "bad.xlsx": "PK\x03\x04garbage", "quote.csv": "이름,성별\n\"김,남\n"} {
			if _, _, err := ParseFile(name, []byte(data), year); err == nil || !strings.Contains(err.Error(), "council.err.") {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

func TestChatdongIsExempt(t *testing.T) {
	rs := Rules(Count(crowd(10, 9, 10, 0), 2026))
	if AllOK(rs) {
		t.Fatal("a council of 10 with 90 % men passes")
	}
	rs = Exempted(rs, true)
	if !AllOK(rs) {
		t.Fatal("a 찾동 마을계획단 is not exempt")
	}
	for _, r := range rs {
		if r.OK || !r.Exempt {
			t.Fatalf("rule %s: OK %v Exempt %v: the numbers must still say what they say, marked exempt", r.Key, r.OK, r.Exempt)
		}
	}
}
