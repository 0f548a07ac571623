package assembly

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math/big"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/transform"

	"maeul"
	"maeul/i18n"
	"maeul/web"
)

// MaxImportRows is the most agendas one file may bring.
const MaxImportRows = 2000

// The columns of 서식 2-5 (and the 실행계획서 extras) an import understands,
// keyed by their header with every space removed.
var importColumns = map[string]string{
	"사업명":      "title",
	"의제명":      "title",
	"사업내용":     "summary",
	"내용":       "summary",
	"위치":       "location",
	"사업비(원)":   "cost_won",
	"사업비":      "cost_won",
	"사업비(백만원)": "cost_million",
	"경상보조":     "current_subsidy",
	"자치단체경상보조": "current_subsidy",
	"자본보조":     "capital_subsidy",
	"자치단체자본보조": "capital_subsidy",
	"자치구담당부서":  "district_department",
	"서울시담당부서":  "city_department",
	"분과":       "subcommittee",
	"제안자":      "proposer",
	"실행유형":     "execution_type",
	"작성단계":     "drafting_round",
	"실행목적":     "purpose",
	"실행기간":     "period",
	"실행주체":     "executor",
	"추진방법":     "approach",
	"유관주체":     "related_parties",
	"유관주체(부서)": "related_parties",
	"향후추진계획":   "future_plan",
	"비고":       "remarks",
}

// executionLabels maps the Korean labels (spaces removed) and the API
// names to the execution types.
var executionLabels = map[string]string{
	"민간주도형": ExecPrivate, "민간주도": ExecPrivate, "private": ExecPrivate,
	"민관협력형": ExecPublicPrivate, "민관협력": ExecPublicPrivate, "public_private": ExecPublicPrivate,
	"관주도형": ExecPublic, "관주도": ExecPublic, "public": ExecPublic,
	"기타": ExecOther, "other": ExecOther,
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
	cols := map[string]int{}     // field → column index
	names := map[string]string{} // field → header as written
	for i, name := range table[h] {
		key := squeeze(name)
		field, ok := importColumns[key]
		if !ok {
			continue // other columns (연번, 예산과목…) are ignored
		}
		if field == "cost_won" || field == "cost_million" {
			if _, dup := cols["cost"]; dup {
				return nil, maeul.FieldErrorf(maeul.EINVALID, strings.TrimSpace(name), "import.two_costs")
			}
			cols["cost"] = i
			names["cost"] = strings.TrimSpace(name)
			names["cost_unit"] = field
			continue
		}
		if _, dup := cols[field]; dup {
			return nil, maeul.FieldErrorf(maeul.EINVALID, strings.TrimSpace(name), "import.dup_column", strings.TrimSpace(name))
		}
		cols[field] = i
		names[field] = strings.TrimSpace(name)
	}
	if _, ok := cols["title"]; !ok {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "사업명", "import.no_header", "사업명")
	}
	if _, ok := cols["cost"]; !ok {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "사업비", "import.no_header", "사업비 (원)")
	}
	unit := int64(1)
	if names["cost_unit"] == "cost_million" {
		unit = 1_000_000
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
		cell := func(field string) string {
			i, ok := cols[field]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		fail := func(field, key string, args ...any) {
			name := names[field]
			if name == "" {
				name = field
			}
			bad = append(bad, maeul.RowError{Row: row, Field: name, Key: key, Args: args})
		}
		var in AgendaInput
		in.Title = cell("title")
		in.Summary, in.Location = cell("summary"), cell("location")
		in.DistrictDepartment, in.CityDepartment = cell("district_department"), cell("city_department")
		in.Subcommittee, in.Proposer, in.Remarks = cell("subcommittee"), cell("proposer"), cell("remarks")
		in.Purpose, in.Period, in.Executor = cell("purpose"), cell("period"), cell("executor")
		in.Approach, in.RelatedParties, in.FuturePlan = cell("approach"), cell("related_parties"), cell("future_plan")
		okMoney := true
		money := func(field string, required bool) int64 {
			s := cell(field)
			if s == "" {
				if required {
					fail(field, "import.required")
					okMoney = false
				}
				return 0
			}
			n, ok := parseMoney(s, unit)
			if !ok {
				fail(field, "import.bad_money")
				okMoney = false
			}
			return n
		}
		in.Cost = money("cost", true)
		in.CurrentSubsidy = money("current_subsidy", false)
		in.CapitalSubsidy = money("capital_subsidy", false)
		if t := cell("execution_type"); t != "" {
			v, ok := executionLabels[squeeze(t)]
			if !ok {
				fail("execution_type", "import.bad_execution_type")
			}
			in.ExecutionType = v
		}
		if d := cell("drafting_round"); d != "" {
			switch strings.TrimSuffix(squeeze(d), "차") {
			case "1":
				in.DraftingRound = 1
			case "2":
				in.DraftingRound = 2
			case "3":
				in.DraftingRound = 3
			default:
				fail("drafting_round", "import.bad_round")
			}
		}
		// The same rules as a form, reported under the file's header names.
		for _, e := range in.Check() {
			switch e.Field {
			case "cost", "current_subsidy", "capital_subsidy":
				if !okMoney {
					continue // already reported
				}
			case "execution_type", "drafting_round":
				continue // already reported
			}
			field := e.Field
			if names[field] == "" && field == "current_subsidy" {
				field = "capital_subsidy"
			}
			fail(field, e.Key, e.Args...)
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
		table = append(table, rec)
		rows = append(rows, row)
		if len(table) > MaxImportRows+100 {
			return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.too_many_rows", MaxImportRows)
		}
	}
	return table, rows, nil
}

// readXLSX reads the first sheet, with the cells' raw values (so 2.5 stays
// 2.5 whatever the number format shows).
func readXLSX(data []byte) ([][]string, []int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20})
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
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.bad_xlsx")
		}
		table = append(table, rec)
		nums = append(nums, i)
		if len(table) > MaxImportRows+100 && !blank(rec) {
			return nil, nil, maeul.FieldErrorf(maeul.EINVALID, "file", "import.too_many_rows", MaxImportRows)
		}
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
	err = pgx.BeginFunc(ctx, s.Env.Pool, func(tx pgx.Tx) error {
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
		return 0, err
	}
	s.OnChange(assemblyID)
	return len(ins), nil
}

// importFile reads the multipart field "file"; EMALFORMED without one.
func importFile(c *fiber.Ctx) (string, []byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, maeul.FieldErrorf(maeul.EMALFORMED, "file", "import.no_file")
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 12<<20))
	return fh.Filename, data, err
}

// ImportResponse is the import's answer; on failure it also carries the
// usual error object, so both kinds of clients read it.
type ImportResponse struct {
	Created int               `json:"created"`
	Errors  []web.APIRowError `json:"errors"`
	Error   *web.APIErrorBody `json:"error,omitempty"`
}

func (s *Service) apiImport(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	name, data, err := importFile(c)
	if err != nil {
		return err
	}
	n, err := s.ImportAgendas(c.UserContext(), a.ID, name, data)
	var me *maeul.Error
	if errors.As(err, &me) && me.Code == maeul.EINVALID {
		lang := web.Lang(c)
		res := ImportResponse{Errors: rowErrors(lang, me)}
		res.Error = &web.APIErrorBody{Code: "invalid", Message: web.Message(lang, me), Field: me.Field,
			Errors: res.Errors, RequestID: web.RequestID(c)}
		return c.Status(fiber.StatusUnprocessableEntity).JSON(res)
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ImportResponse{Created: n, Errors: []web.APIRowError{}})
}

// rowErrors lists the bad rows of an import in lang; a file-level problem is
// one entry at row 0.
func rowErrors(lang string, e *maeul.Error) []web.APIRowError {
	out := []web.APIRowError{}
	for _, r := range e.Rows {
		out = append(out, web.APIRowError{Row: r.Row, Field: r.Field, Message: i18n.T(lang, r.Key, r.Args...)})
	}
	if len(e.Rows) == 0 {
		out = append(out, web.APIRowError{Row: 0, Field: e.Field, Message: web.Message(lang, e)})
	}
	return out
}
