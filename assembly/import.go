package assembly

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math/big"
	"path"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/transform"

	"maeul"
)

// MaxImportRows is the most agendas one file may bring.
const MaxImportRows = 2000

// importColumns maps each import header, with every space removed, to its
// field; the cost's headers in 백만원 are in importMillion.
var importColumns, importMillion = func() (map[string]*agendaField, map[string]bool) {
	cols, million := map[string]*agendaField{}, map[string]bool{}
	for i := range agendaFields {
		f := &agendaFields[i]
		for _, h := range f.Headers {
			cols[squeeze(h)] = f
		}
		for _, h := range f.Million {
			cols[squeeze(h)] = f
			million[squeeze(h)] = true
		}
	}
	return cols, million
}()

// ImportHeader is the header of the example file: the 서식 2-5 columns in
// their order.
func ImportHeader() []string {
	var out []string
	for _, f := range importSheet() {
		out = append(out, f.Headers[0])
	}
	return out
}

// ImportExample is the example file's one row, under ImportHeader.
func ImportExample() []string {
	var out []string
	for _, f := range importSheet() {
		out = append(out, f.Example)
	}
	return out
}

func importSheet() []*agendaField {
	var fs []*agendaField
	for i := range agendaFields {
		if agendaFields[i].Sheet > 0 {
			fs = append(fs, &agendaFields[i])
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].Sheet < fs[j].Sheet })
	return fs
}

// ImportRows reads a .csv or .xlsx file of agendas with the 서식 2-5 columns.
// File-level problems (unknown type, empty, no header, too many rows) are an
// EINVALID naming field "file" or the missing column; bad rows are an
// EINVALID whose Rows list every bad cell, numbered as a spreadsheet shows
// them (the header is row 1 when it is the first line).
func ImportRows(filename string, data []byte) ([]AgendaInput, error) {
	var table [][]string
	var rowNums []int
	var err error
	ext := strings.ToLower(path.Ext(filename))
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.empty")
	case ext == ".xlsx" || (ext == "" && bytes.HasPrefix(data, []byte("PK\x03\x04"))):
		table, rowNums, err = readXLSX(data)
	case ext == ".csv" || ext == ".txt" || ext == "":
		table, rowNums, err = readCSV(data)
	default:
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.bad_type")
	}
	if err != nil {
		return nil, err
	}
	// The header is the first row with anything in it.
	h := 0
	for h < len(table) && blank(table[h]) {
		h++
	}
	if h == len(table) {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.empty")
	}
	cols := map[*agendaField]int{}     // field → column index
	names := map[*agendaField]string{} // field → header as written
	unit := int64(1)
	for i, name := range table[h] {
		key := squeeze(name)
		f, ok := importColumns[key]
		if !ok {
			continue // other columns (연번, 예산과목…) are ignored
		}
		if _, dup := cols[f]; dup {
			if f.Million != nil {
				return nil, maeul.FieldErrorf(maeul.EINVALID, strings.TrimSpace(name), "import.two_costs")
			}
			return nil, maeul.FieldErrorf(maeul.EINVALID, strings.TrimSpace(name), "import.dup_column", strings.TrimSpace(name))
		}
		cols[f] = i
		names[f] = strings.TrimSpace(name)
		if importMillion[key] {
			unit = 1_000_000
		}
	}
	for i := range agendaFields {
		f := &agendaFields[i]
		if _, ok := cols[f]; f.Required && !ok {
			// Named without its unit: 사업비, not 사업비 (원).
			return nil, maeul.FieldErrorf(maeul.EINVALID, strings.Fields(f.Headers[0])[0], "import.no_header", f.Headers[0])
		}
	}
	var out []AgendaInput
	var bad []maeul.RowError
	for r := h + 1; r < len(table); r++ {
		rec := table[r]
		if blank(rec) {
			continue
		}
		if len(out) >= MaxImportRows {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.too_many_rows", MaxImportRows)
		}
		row := rowNums[r]
		fail := func(f *agendaField, key string, args ...any) {
			name := names[f]
			if name == "" {
				name = f.JSON
			}
			bad = append(bad, maeul.RowError{Row: row, Field: name, Key: key, Args: args})
		}
		var in AgendaInput
		reported := map[*agendaField]bool{}
		okMoney := true
		for k := range agendaFields {
			f := &agendaFields[k]
			i, ok := cols[f]
			if !ok {
				continue
			}
			cell := ""
			if i < len(rec) {
				cell = strings.TrimSpace(rec[i])
			}
			switch f.Kind {
			case kindText:
				f.SetText(&in, cell)
			case kindMoney:
				if cell == "" {
					if f.Required {
						fail(f, "import.required")
						okMoney = false
					}
					continue
				}
				n, ok := parseMoney(cell, unit)
				if !ok {
					fail(f, "import.bad_money")
					okMoney = false
				}
				f.SetInt(&in, n)
			case kindRound:
				reported[f] = true
				if cell == "" {
					continue
				}
				n, ok := parseRound(cell)
				if !ok {
					fail(f, f.ImportKey)
				}
				f.SetInt(&in, int64(n))
			case kindChoice:
				reported[f] = true
				if cell == "" {
					continue
				}
				v, ok := f.Labels[squeeze(cell)]
				if !ok {
					fail(f, f.ImportKey)
				}
				f.SetText(&in, v)
			}
		}
		// The same rules as a form, reported under the file's header names.
		for _, e := range in.Check() {
			f := agendaFieldByJSON[e.Field]
			if f == nil { // not a field: cannot happen, but say it somewhere
				f = agendaFieldByJSON["title"]
			}
			if reported[f] || (f.Kind == kindMoney && !okMoney) {
				continue // already reported
			}
			if names[f] == "" && f.JSON == "current_subsidy" {
				f = agendaFieldByJSON["capital_subsidy"]
			}
			fail(f, e.Key, e.Args...)
		}
		out = append(out, in)
	}
	if len(bad) > 0 {
		return nil, &maeul.Error{Code: maeul.EINVALID, Key: "import.bad_rows", Args: []any{countRows(bad)}, Rows: bad}
	}
	if len(out) == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.no_rows")
	}
	return out, nil
}

func countRows(bad []maeul.RowError) int {
	seen := map[int]bool{}
	for _, b := range bad {
		seen[b.Row] = true
	}
	return len(seen)
}

// squeeze removes every space (also full-width and non-breaking ones) and a BOM.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
}

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// parseMoney reads "5,000,000", "5000000원" or, in 백만원, "2.5" as won.
// Amounts in 백만원 are rounded to the won; amounts in won must be whole.
func parseMoney(s string, unit int64) (int64, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(squeeze(strings.ReplaceAll(s, ",", "")), "원"), "백만")
	if s == "" || strings.HasPrefix(s, "-") || strings.ContainsAny(s, "eE/") {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	r.Mul(r, new(big.Rat).SetInt64(unit))
	if unit == 1 && !r.IsInt() {
		return 0, false
	}
	// Round half up to the won.
	n := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(r.Num(), big.NewInt(2)), r.Denom()),
		new(big.Int).Mul(r.Denom(), big.NewInt(2)))
	if !n.IsInt64() || n.Int64() > maxMoney {
		return 0, false
	}
	return n.Int64(), true
}

// readCSV decodes UTF-8 (with or without a BOM) or, when the bytes are not
// UTF-8, CP949/EUC-KR as Excel on a Korean Windows saves it. It returns the
// records and the spreadsheet row of each.
func readCSV(data []byte) ([][]string, []int, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		dec, _, err := transform.Bytes(korean.EUCKR.NewDecoder(), data)
		if err != nil {
			return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.bad_encoding")
		}
		data = dec
	}
	if longLine(data, maxImportLine) {
		return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.long_line", maxImportLine>>10)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if strings.Count(first, "\t") > strings.Count(first, ",") {
		r.Comma = '\t'
	} else if strings.Count(first, ";") > strings.Count(first, ",") {
		r.Comma = ';'
	}
	var table [][]string
	var rows []int
	row, prevLine, prevExtra := 0, 0, 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.bad_csv")
		}
		line, _ := r.FieldPos(0)
		// encoding/csv skips blank lines; a spreadsheet shows them as rows.
		// Lines inside a quoted cell do not start new rows.
		if row == 0 {
			row = line
		} else {
			row += line - prevLine - prevExtra
		}
		prevLine, prevExtra = line, 0
		for _, f := range rec {
			prevExtra += strings.Count(f, "\n")
		}
		table = append(table, clip(rec))
		rows = append(rows, row)
		if len(table) > maxImportRead || row > maxImportRead {
			return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.too_many_rows", MaxImportRows)
		}
	}
	return table, rows, nil
}

// Limits of what an import file may make the reader build, whatever its
// size in bytes: rows read (blank ones count: a sheet's last row may be
// 1,048,576), columns kept of each row (the 서식 2-5 has 13; others such as
// 연번 or 예산과목 are ignored anyway), the length of a CSV line, and what an
// .xlsx may unzip to.
const (
	maxImportRead      = MaxImportRows + 100
	maxImportCols      = 64
	maxImportLine      = 64 << 10
	importUnzipLimit   = 16 << 20
	importUnzipXMLSize = 4 << 20
)

// clip keeps the first maxImportCols cells of a record, copied so that a
// very wide record's backing array is not kept.
func clip(rec []string) []string {
	if len(rec) <= maxImportCols {
		return rec
	}
	out := make([]string, maxImportCols)
	for i := range out {
		out[i] = strings.Clone(rec[i])
	}
	return out
}

// readXLSX reads the first sheet, with the cells' raw values (so 2.5 stays
// 2.5 whatever the number format shows), row by row.
func readXLSX(data []byte) ([][]string, []int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: importUnzipLimit, UnzipXMLSizeLimit: importUnzipXMLSize})
	if err != nil {
		return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.bad_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.empty")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.bad_xlsx")
	}
	defer rows.Close()
	var table [][]string
	var nums []int
	for i := 1; rows.Next(); i++ {
		if i > maxImportRead {
			return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.too_many_rows", MaxImportRows)
		}
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.bad_xlsx")
		}
		table = append(table, clip(rec))
		nums = append(nums, i)
	}
	if rows.Error() != nil {
		return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.bad_xlsx")
	}
	return table, nums, nil
}

// ImportAgendas adds the agendas of a file after the existing ones, all or
// none. It returns how many were created; errors as ImportRows, plus
// ENOTFOUND for an unknown assembly and ECONFLICT once voting has opened.
func (s *Service) ImportAgendas(ctx context.Context, assemblyID int64, filename string, data []byte) (int, error) {
	ins, err := ImportRows(filename, data)
	if err != nil {
		return 0, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := lockEditable(ctx, tx, assemblyID); err != nil {
			return err
		}
		for _, in := range ins {
			if _, err := insertAgenda(ctx, tx, assemblyID, in); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, wrap("import agendas", err)
	}
	s.OnChange(assemblyID)
	return len(ins), nil
}

// longLine reports whether a line of data is longer than n bytes: the CSV
// reader makes a string for every cell of a record, so a megabyte of commas
// on one line would be a million of them.
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
