package result

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
)

// Submission is the selected-agenda submission of one assembly in the
// columns of 서식 2-5 ("OO동 동회의 실행계획 목록"): every agenda in priority
// order. Its JSON form (JSON()) is the canonical content: every export
// (.json, .csv, .xlsx) carries the SHA-256 of that form, so the district
// can confirm what it received whatever file it opened.
type Submission struct {
	Title        string          `json:"title"`
	AssemblyID   string          `json:"assembly_id"`
	District     string          `json:"district"`
	Dong         string          `json:"dong"`
	Year         int             `json:"year"`
	Method       string          `json:"method"`
	BudgetCap    int64           `json:"budget_cap"`
	Allocated    int64           `json:"allocated"`
	TieBreak     string          `json:"tie_break"`
	Ballots      int64           `json:"ballots"`
	ResultSHA256 string          `json:"result_sha256"`
	Rows         []SubmissionRow `json:"rows"`
}

// SubmissionRow is one line of 서식 2-5.
type SubmissionRow struct {
	Rank                int    `json:"rank"` // 연번 = priority rank
	AgendaID            string `json:"agenda_id"`
	Number              int    `json:"number"`
	Title               string `json:"title"`    // 사업명
	Location            string `json:"location"` // 사업내용: 위치
	Content             string `json:"content"`  // 사업내용: 내용
	Cost                int64  `json:"cost"`     // 사업비 (원)
	CostMillion         string `json:"cost_million"`
	DistrictDepartment  string `json:"district_department"`
	CityDepartment      string `json:"city_department"`
	CurrentSubsidy      int64  `json:"current_subsidy"` // 자치단체경상보조 (원)
	CapitalSubsidy      int64  `json:"capital_subsidy"` // 자치단체자본보조 (원)
	ExecutingDepartment string `json:"executing_department"`
	Votes               int64  `json:"votes"`
	Points              int64  `json:"points"`
	Selected            bool   `json:"selected"`
	Remarks             string `json:"remarks"` // 비고
}

// BuildSubmission assembles the submission from the result (the frozen one
// once announced), the agendas and the designated executing departments.
// Returns ECONFLICT before the vote has closed.
func BuildSubmission(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Submission, error) {
	r, err := Find(ctx, q, a)
	if err != nil {
		return nil, err
	}
	agendas, err := assembly.FindAgendas(ctx, q, a.ID)
	if err != nil {
		return nil, wrap("build submission: agendas", err)
	}
	byID := map[string]assembly.Agenda{}
	for _, g := range agendas {
		byID[g.IDString()] = g
	}
	deps := map[int64]string{}
	rows, err := q.Query(ctx, `SELECT agenda_id, department FROM designations WHERE assembly_id = $1`, a.ID)
	if err != nil {
		return nil, wrap("build submission: designations", err)
	}
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			rows.Close()
			return nil, wrap("build submission: designations", err)
		}
		deps[id] = d
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("build submission: designations", err)
	}
	s := &Submission{Title: i18n.T("ko", "submission.sheet_title", a.Dong), AssemblyID: a.IDString(),
		District: a.District, Dong: a.Dong, Year: PlanYear(a), Method: r.Method, BudgetCap: r.BudgetCap,
		Allocated: r.Allocated, TieBreak: r.TieBreak, Ballots: r.Ballots, ResultSHA256: r.SHA256, Rows: []SubmissionRow{}}
	for _, x := range r.Agendas {
		g := byID[x.ID]
		row := SubmissionRow{Rank: x.Rank, AgendaID: x.ID, Number: x.Number, Title: x.Title, Location: g.Location,
			Content: g.Summary, Cost: x.Cost, CostMillion: million(x.Cost), DistrictDepartment: g.DistrictDepartment,
			CityDepartment: g.CityDepartment, CurrentSubsidy: g.CurrentSubsidy, CapitalSubsidy: g.CapitalSubsidy,
			ExecutingDepartment: deps[g.ID], Votes: x.Votes, Points: x.Points, Selected: x.Selected}
		row.Remarks = remarks(r.Method, x)
		s.Rows = append(s.Rows, row)
	}
	return s, nil
}

// Submission builds the assembly's submission (see BuildSubmission).
func (s *Service) Submission(ctx context.Context, a *assembly.Assembly) (*Submission, error) {
	return BuildSubmission(ctx, s.pool, a)
}

// SubmissionFor finds the assembly and builds its submission for a host
// who may read it (EFORBIDDEN otherwise), once the vote has closed.
func (s *Service) SubmissionFor(ctx context.Context, u *account.User, assemblyID int64) (*assembly.Assembly, *Submission, error) {
	a, err := s.Assembly(ctx, assemblyID)
	if err != nil {
		return nil, nil, err
	}
	if !u.CanRead(a.District, a.Dong) {
		return nil, nil, account.Forbid()
	}
	sub, err := BuildSubmission(ctx, s.pool, a)
	if err != nil {
		return nil, nil, err
	}
	return a, sub, nil
}

// PlanYear is the year of the assembly in Seoul: the plan year its
// submission belongs to.
func PlanYear(a *assembly.Assembly) int { return a.StartsAt.In(seoul).Year() }

func remarks(method string, x AgendaResult) string {
	var parts []string
	parts = append(parts, i18n.T("ko", "submission.votes", group(x.Votes)))
	if method == MethodRanked {
		parts = append(parts, i18n.T("ko", "submission.points", group(x.Points)))
	}
	switch x.Reason {
	case ReasonSelected:
		parts = append(parts, i18n.T("ko", "submission.selected"))
	case ReasonOverCap:
		parts = append(parts, i18n.T("ko", "submission.over_cap"))
	default:
		parts = append(parts, i18n.T("ko", "submission.not_selected"))
	}
	return strings.Join(parts, " · ")
}

// BudgetSplit writes the 예산과목 cell as 서식 2-5 does:
// "자치단체경상보조 2, 자치단체자본보조 3" (백만원).
func (r SubmissionRow) BudgetSplit() string {
	if r.CurrentSubsidy == 0 && r.CapitalSubsidy == 0 {
		return ""
	}
	return i18n.T("ko", "submission.split", million(r.CurrentSubsidy), million(r.CapitalSubsidy))
}

// JSON is the canonical content: compact JSON of the submission.
func (s *Submission) JSON() []byte {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // plain structs of strings and numbers always marshal
	}
	return b
}

// SHA256 is the hash of the canonical content.
func (s *Submission) SHA256() string { return Hash(s.JSON()) }

// CSVHeader is the header row of the CSV export.
var CSVHeader = []string{"연번", "사업명", "사업내용(위치)", "사업내용(내용)", "사업비(백만원)", "사업비(원)",
	"자치구 담당부서", "서울시 담당부서", "자치단체경상보조(백만원)", "자치단체자본보조(백만원)", "실행부서", "비고"}

func (r SubmissionRow) cells() []string {
	cur, capital := r.splitMillion()
	return []string{strconv.Itoa(r.Rank), r.Title, r.Location, r.Content, r.CostMillion, strconv.FormatInt(r.Cost, 10),
		r.DistrictDepartment, r.CityDepartment, cur, capital, r.ExecutingDepartment, r.Remarks}
}

// splitMillion is the 예산과목 split in 백만원; both empty when not given.
func (r SubmissionRow) splitMillion() (string, string) {
	if r.CurrentSubsidy == 0 && r.CapitalSubsidy == 0 {
		return "", ""
	}
	return million(r.CurrentSubsidy), million(r.CapitalSubsidy)
}

// CSV writes the submission as UTF-8 with a byte-order mark (so Korean
// Excel opens it), one header row, then one row per agenda. A cell that a
// spreadsheet would run as a formula gets a leading apostrophe.
func (s *Submission) CSV() []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.Write(CSVHeader)
	for _, r := range s.Rows {
		cells := r.cells()
		for i := range cells {
			cells[i] = Neutralize(cells[i])
		}
		w.Write(cells)
	}
	w.Flush()
	return buf.Bytes()
}

// Neutralize defuses a cell that a spreadsheet would read as a formula
// (starting with = + - @, a tab or a carriage return) by prefixing an
// apostrophe.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// sheet layout: title row 1, header rows 2–3, data from row 4.
const (
	xlsxSheet    = "실행계획 목록"
	xlsxFirstRow = 4
)

var xlsxColumns = []struct {
	head, sub string
	width     float64
}{
	{"연번", "", 6}, {"사업명", "", 24}, {"사업내용", "위치", 16}, {"사업내용", "내용", 40},
	{"사업비", "백만원", 10}, {"사업비", "원", 14}, {"자치구 담당부서", "", 14}, {"서울시 담당부서", "", 14},
	{"예산과목(백만원)", "자치단체경상보조", 12}, {"예산과목(백만원)", "자치단체자본보조", 12},
	{"실행부서", "", 14}, {"비고", "", 26},
}

// XLSX writes the submission as a spreadsheet laid out like 서식 2-5:
// the title row "OO동 동회의 실행계획 목록", two header rows, one row per
// agenda, borders, wrapped text, and an A4 landscape print setup fitted to
// the page width. The last row states the SHA-256 of the canonical content.
func (s *Submission) XLSX() ([]byte, error) {
	b, err := writeXLSX(s.Title, []*Submission{s}, false, s.SHA256())
	return b, wrap("write xlsx", err)
}

// ConsolidatedXLSX writes several submissions (a district's, or the city's)
// in one sheet, with 자치구 and 동 columns in front.
func ConsolidatedXLSX(title string, subs []*Submission, sum string) ([]byte, error) {
	b, err := writeXLSX(title, subs, true, sum)
	return b, wrap("write xlsx", err)
}

func writeXLSX(title string, subs []*Submission, withPlace bool, sum string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", xlsxSheet); err != nil {
		return nil, err
	}
	cols := xlsxColumns
	if withPlace {
		cols = append([]struct {
			head, sub string
			width     float64
		}{{"자치구", "", 10}, {"동", "", 10}}, cols...)
	}
	n := len(cols)
	last, _ := excelize.ColumnNumberToName(n)
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7ECF2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, err
	}
	cellStyle, err := f.NewStyle(&excelize.Style{Border: border,
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return nil, err
	}
	numStyle, err := f.NewStyle(&excelize.Style{Border: border, NumFmt: 3,
		Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "right"}})
	if err != nil {
		return nil, err
	}
	f.SetCellValue(xlsxSheet, "A1", title)
	f.MergeCell(xlsxSheet, "A1", last+"1")
	f.SetCellStyle(xlsxSheet, "A1", last+"1", titleStyle)
	f.SetRowHeight(xlsxSheet, 1, 30)
	for i := 0; i < n; i++ {
		c, _ := excelize.ColumnNumberToName(i + 1)
		f.SetColWidth(xlsxSheet, c, c, cols[i].width)
		f.SetCellValue(xlsxSheet, c+"2", cols[i].head)
		if cols[i].sub == "" {
			f.MergeCell(xlsxSheet, c+"2", c+"3")
		} else {
			f.SetCellValue(xlsxSheet, c+"3", cols[i].sub)
			if i+1 < n && cols[i+1].head == cols[i].head && (i == 0 || cols[i-1].head != cols[i].head) {
				c2, _ := excelize.ColumnNumberToName(i + 2)
				f.MergeCell(xlsxSheet, c+"2", c2+"2")
			}
		}
	}
	f.SetCellStyle(xlsxSheet, "A2", last+"3", headStyle)
	row := xlsxFirstRow
	off := 0
	if withPlace {
		off = 2
	}
	for _, s := range subs {
		for _, r := range s.Rows {
			cur, capital := r.splitMillion()
			vals := []any{r.Rank, r.Title, r.Location, r.Content, r.CostMillion, r.Cost,
				r.DistrictDepartment, r.CityDepartment, cur, capital, r.ExecutingDepartment, r.Remarks}
			if withPlace {
				vals = append([]any{s.District, s.Dong}, vals...)
			}
			// Strings stay strings (never formulas): SetSheetRow stores a
			// string as a shared string, so "=HYPERLINK(…)" is text.
			if err := f.SetSheetRow(xlsxSheet, "A"+strconv.Itoa(row), &vals); err != nil {
				return nil, err
			}
			f.SetCellStyle(xlsxSheet, "A"+strconv.Itoa(row), last+strconv.Itoa(row), cellStyle)
			costCol, _ := excelize.ColumnNumberToName(off + 6)
			f.SetCellStyle(xlsxSheet, costCol+strconv.Itoa(row), costCol+strconv.Itoa(row), numStyle)
			row++
		}
	}
	f.SetCellValue(xlsxSheet, "A"+strconv.Itoa(row+1), i18n.T("ko", "submission.hash_line", sum))
	f.MergeCell(xlsxSheet, "A"+strconv.Itoa(row+1), last+strconv.Itoa(row+1))
	orient, size, one, zero := "landscape", 9, 1, 0 // 9 = A4
	if err := f.SetPageLayout(xlsxSheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient,
		FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return nil, err
	}
	fit := true
	if err := f.SetSheetProps(xlsxSheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return nil, err
	}
	m := 0.5
	f.SetPageMargins(xlsxSheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m})
	f.SetHeaderFooter(xlsxSheet, &excelize.HeaderFooterOptions{OddFooter: "&C&P / &N"})
	f.SetPanes(xlsxSheet, &excelize.Panes{Freeze: true, YSplit: xlsxFirstRow - 1, TopLeftCell: "A" + strconv.Itoa(xlsxFirstRow), ActivePane: "bottomLeft"})
	// Repeat the header rows on every printed page.
	f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$2:$3", xlsxSheet), Scope: xlsxSheet})
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
