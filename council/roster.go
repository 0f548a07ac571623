package council

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/transform"

	"maeul"
)

// Genders and affiliations as stored.
const (
	Male   = "m"
	Female = "f"

	Committee = "committee" // 주민자치위원
	Tong      = "tong"      // 통장
	Ban       = "ban"       // 반장
	General   = "general"   // 일반
)

// Council types of 서식 2-1.
const (
	TypePlanned    = "planned"    // 계획형
	TypeAutonomous = "autonomous" // 자율형
)

// Limits of an upload.
const (
	MaxFileBytes = 2 << 20
	MaxMembers   = 2000
)

// Member is one row of the uploaded list.
type Member struct {
	Row         int    `db:"row_no"`
	Name        string `db:"name"`
	Gender      string `db:"gender"`
	BirthYear   int    `db:"birth_year"`
	Affiliation string `db:"affiliation"`
}

// Counts is what is always kept of a roster: the figures of 서식 2-1.
type Counts struct {
	Total     int `db:"total"`
	Male      int `db:"male"`
	Female    int `db:"female"`
	Committee int `db:"committee"`
	Tong      int `db:"tong"`
	Ban       int `db:"ban"`
	General   int `db:"general"`
	Age39     int `db:"age_39_under"` // 30대 이하: aged 39 or younger in the plan year
	Age40s    int `db:"age_40s"`
	Age50s    int `db:"age_50s"`
	Age60s    int `db:"age_60s"`
	Age70     int `db:"age_70_over"`
}

// TongBan is 통장 and 반장 together, as the form counts them.
func (c Counts) TongBan() int { return c.Tong + c.Ban }

// Count tallies members for the plan year. A member's age in the plan year
// is plan year − birth year (the plan: "39세(78년생) 이하" in 2017).
func Count(members []Member, planYear int) Counts {
	var c Counts
	for _, m := range members {
		c.Total++
		if m.Gender == Male {
			c.Male++
		} else {
			c.Female++
		}
		switch m.Affiliation {
		case Committee:
			c.Committee++
		case Tong:
			c.Tong++
		case Ban:
			c.Ban++
		default:
			c.General++
		}
		switch age := planYear - m.BirthYear; {
		case age <= 39:
			c.Age39++
		case age <= 49:
			c.Age40s++
		case age <= 59:
			c.Age50s++
		case age <= 69:
			c.Age60s++
		default:
			c.Age70++
		}
	}
	return c
}

// Rule is one composition rule of the plan, checked with its numbers.
type Rule struct {
	Key   string // message key of the rule's text
	OK    bool
	Have  int // the members that count for the rule
	Total int
	Pct   float64 // Have as a percentage of Total (one decimal shown)
	Need  string  // message key of the threshold text
	// Exempt: the rule does not apply (a 찾동 마을계획단: "구성기준과 상관없이
	// … 진행 가능"); OK keeps what the numbers say.
	Exempt bool
}

// Composition thresholds of the plan (2017 운영계획, 동회의 구성기준).
const (
	MinMembers        = 30 // 최소 30명 이상
	MaxGenderPct      = 60 // 특정 성별이 60% 이상이 되지 않도록: each gender below 60 %
	MinNonOfficials   = 50 // 주민자치위원·통반장 아닌 주민 50 % 이상
	MinYoungPct       = 10 // 39세 이하 10 % 이상
	YoungAgeInclusive = 39
)

// Rules checks the four composition rules. Percentages are compared in
// integers (have×100 against pct×total), so the boundaries are exact: 60 %
// of one gender fails ("60% 이상이 되지 않도록"), 50 % non-officials passes,
// 10 % young passes.
func Rules(c Counts) []Rule {
	pct := func(n int) float64 {
		if c.Total == 0 {
			return 0
		}
		return float64(n) * 100 / float64(c.Total)
	}
	bigger := max(c.Male, c.Female)
	nonOfficials := c.General
	return []Rule{
		{Key: "council.rule.members", OK: c.Total >= MinMembers, Have: c.Total, Total: c.Total, Pct: 100},
		{Key: "council.rule.gender", OK: c.Total > 0 && bigger*100 < MaxGenderPct*c.Total, Have: bigger, Total: c.Total, Pct: pct(bigger)},
		{Key: "council.rule.general", OK: c.Total > 0 && nonOfficials*100 >= MinNonOfficials*c.Total, Have: nonOfficials, Total: c.Total, Pct: pct(nonOfficials)},
		{Key: "council.rule.young", OK: c.Total > 0 && c.Age39*100 >= MinYoungPct*c.Total, Have: c.Age39, Total: c.Total, Pct: pct(c.Age39)},
	}
}

// Exempted returns the rules marked Exempt when chatdong (a 찾동 마을계획단).
func Exempted(rs []Rule, chatdong bool) []Rule {
	if chatdong {
		for i := range rs {
			rs[i].Exempt = true
		}
	}
	return rs
}

// AllOK reports whether every rule passes or is exempt.
func AllOK(rs []Rule) bool {
	for _, r := range rs {
		if !r.OK && !r.Exempt {
			return false
		}
	}
	return true
}

// RowError is a bad row of an upload; Key and Args are a catalogue message.
type RowError struct {
	Row   int
	Field string
	Key   string
	Args  []any
}

// ParseFile reads a member list: a .csv (UTF-8 with or without BOM, or
// CP949) or an .xlsx (its first sheet). The first non-empty row is the
// header: 이름, 성별, 출생연도, 소속 in any order (other columns such as
// 연번, 연락처, 서명 are ignored and never stored). It returns every bad row;
// a file that cannot be read at all gives an EINVALID error.
func ParseFile(filename string, data []byte, planYear int) ([]Member, []RowError, error) {
	rows, err := readRows(filename, data)
	if err != nil {
		return nil, nil, err
	}
	return parseRows(rows, planYear)
}

func readRows(filename string, data []byte) ([][]string, error) {
	if len(data) == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.empty_file")
	}
	if len(data) > MaxFileBytes {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.too_big", MaxFileBytes>>20)
	}
	lower := strings.ToLower(filename)
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.HasSuffix(lower, ".xlsx") {
		return readXLSX(data)
	}
	if !strings.HasSuffix(lower, ".csv") && !strings.HasSuffix(lower, ".txt") && filename != "" {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.file_type")
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if longLine(data, maxLine) {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.long_line", maxLine>>10)
	}
	if !utf8.Valid(data) {
		dec, _, err := transform.Bytes(korean.EUCKR.NewDecoder(), data)
		if err != nil {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.encoding")
		}
		data = dec
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.bad_csv", line)
		}
		// The reader skips blank lines; pad them back so that a row's
		// index is its line in the file, as the host sees it. Blank lines
		// count toward the rows read.
		line, _ := r.FieldPos(0)
		if line > maxRead {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.too_many", MaxMembers)
		}
		for len(rows) < line-1 {
			rows = append(rows, nil)
		}
		rows = append(rows, clip(rec))
	}
	return rows, nil
}

// Limits of what a member list may make the reader build, whatever its size
// in bytes: rows read (blank ones count: a sheet's last row may be
// 1,048,576), columns kept of a row (the list has four that matter, and
// 연번, 연락처, 서명…), the length of a CSV line, and what an .xlsx may unzip to.
const (
	maxRead       = MaxMembers + 100
	maxCols       = 32
	maxLine       = 16 << 10
	unzipLimit    = 16 << 20
	unzipXMLLimit = 4 << 20
)

// readXLSX reads the first sheet row by row.
func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: unzipXMLLimit})
	if err != nil {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.bad_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.bad_xlsx")
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.bad_xlsx")
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		if len(rows) >= maxRead {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.too_many", MaxMembers)
		}
		rec, err := it.Columns()
		if err != nil {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.bad_xlsx")
		}
		rows = append(rows, clip(rec))
	}
	if it.Error() != nil {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.bad_xlsx")
	}
	return rows, nil
}

// clip keeps the first maxCols cells of a row, copied so that a very wide
// row's backing array is not kept.
func clip(rec []string) []string {
	if len(rec) <= maxCols {
		return rec
	}
	out := make([]string, maxCols)
	for i := range out {
		out[i] = strings.Clone(rec[i])
	}
	return out
}

// longLine reports whether a line of data is longer than n bytes: the CSV
// reader makes a string for every cell of a record.
func longLine(data []byte, n int) bool {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return len(data) > n
		}
		if i > n {
			return true
		}
		data = data[i+1:]
	}
	return false
}

// headerAliases maps accepted header spellings to a column.
var headerAliases = map[string]string{
	"이름": "name", "성명": "name",
	"성별":   "gender",
	"출생연도": "birth", "출생년도": "birth", "생년": "birth",
	"소속": "affiliation", "구분": "affiliation",
	"name": "name", "gender": "gender", "sex": "gender", "birthyear": "birth", "born": "birth", "affiliation": "affiliation",
}

func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF")))
	return strings.NewReplacer(" ", "", "_", "", "-", "").Replace(s)
}

func parseRows(rows [][]string, planYear int) ([]Member, []RowError, error) {
	hdr := -1
	for i, r := range rows {
		if !blank(r) {
			hdr = i
			break
		}
	}
	if hdr < 0 {
		return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.empty_file")
	}
	col := map[string]int{}
	for j, h := range rows[hdr] {
		if c, ok := headerAliases[normHeader(h)]; ok {
			if _, dup := col[c]; !dup {
				col[c] = j
			}
		}
	}
	var errs []RowError
	for _, need := range []struct{ col, label string }{{"name", "council.col.name"}, {"gender", "council.col.gender"}, {"birth", "council.col.birth"}} {
		if _, ok := col[need.col]; !ok {
			errs = append(errs, RowError{Row: hdr + 1, Field: need.col, Key: "council.err.no_column", Args: []any{need.label}})
		}
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	cell := func(r []string, c string) string {
		j, ok := col[c]
		if !ok || j >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[j])
	}
	var members []Member
	for i := hdr + 1; i < len(rows); i++ {
		r, rowNo := rows[i], i+1
		if blank(r) {
			continue
		}
		if len(members) >= MaxMembers {
			errs = append(errs, RowError{Row: rowNo, Key: "council.err.too_many", Args: []any{MaxMembers}})
			break
		}
		m := Member{Row: rowNo, Name: cell(r, "name")}
		if m.Name == "" {
			errs = append(errs, RowError{Row: rowNo, Field: "name", Key: "council.err.name"})
		} else if utf8.RuneCountInString(m.Name) > 50 {
			errs = append(errs, RowError{Row: rowNo, Field: "name", Key: "council.err.name_long"})
		}
		g := cell(r, "gender")
		switch strings.ToLower(g) {
		case "남", "남성", "남자", "m", "male":
			m.Gender = Male
		case "여", "여성", "여자", "f", "female":
			m.Gender = Female
		default:
			errs = append(errs, RowError{Row: rowNo, Field: "gender", Key: "council.err.gender", Args: []any{g}})
		}
		b := strings.TrimSuffix(cell(r, "birth"), "년")
		y, err := strconv.Atoi(b)
		switch {
		case err != nil || len(b) != 4:
			errs = append(errs, RowError{Row: rowNo, Field: "birth", Key: "council.err.birth", Args: []any{cell(r, "birth")}})
		case y < 1900 || y > planYear:
			errs = append(errs, RowError{Row: rowNo, Field: "birth", Key: "council.err.birth_range", Args: []any{y, planYear}})
		default:
			m.BirthYear = y
		}
		a := cell(r, "affiliation")
		switch strings.ToLower(strings.ReplaceAll(a, " ", "")) {
		case "주민자치위원", "주민자치위원회", "주민자치위", "committee":
			m.Affiliation = Committee
		case "통장", "tong":
			m.Affiliation = Tong
		case "반장", "ban":
			m.Affiliation = Ban
		case "", "일반", "일반시민", "일반주민", "주민", "general", "resident":
			m.Affiliation = General
		default:
			errs = append(errs, RowError{Row: rowNo, Field: "affiliation", Key: "council.err.affiliation", Args: []any{a}})
		}
		members = append(members, m)
	}
	if len(errs) == 0 && len(members) == 0 {
		return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.no_members")
	}
	return members, errs, nil
}

func blank(r []string) bool {
	for _, s := range r {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// String formats a rule's percentage with one decimal, for pages.
func (r Rule) PctText() string { return fmt.Sprintf("%.1f", r.Pct) }
