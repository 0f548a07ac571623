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
	// Invalid says why the vote is invalid (turnout under the minimum:
	// nothing selected); Questions are the yes/no questions' lines
	// (submission_questions.go). Both are left out when empty.
	Invalid   string               `json:"invalid,omitempty"`
	Questions []SubmissionQuestion `json:"questions,omitempty"`
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
	Remarks             string `json:"remarks"` // 비고: the host's own, as typed on the agenda
	Outcome             string `json:"outcome"` // 선정 여부: 선정 / 예산 한도 밖 / 득표 없음
	Ranked              bool   `json:"ranked"`  // points count (ranked vote): the 점수 column is filled
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
			ExecutingDepartment: deps[g.ID], Votes: x.Votes, Points: x.Points, Selected: x.Selected,
			Remarks: g.Remarks, Outcome: outcome(x), Ranked: r.Method == MethodRanked}
		s.Rows = append(s.Rows, row)
	}
	addSubmissionQuestions(s, r)
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

// outcome is the 선정 여부 cell: the vote's result, in its own column so
// that the host's 비고 reaches the district as typed.
func outcome(x AgendaResult) string {
	switch x.Reason {
	case ReasonSelected:
		return i18n.T("ko", "submission.selected")
	case ReasonOverCap:
		return i18n.T("ko", "submission.over_cap")
	case ReasonInvalid:
		return noteInvalid()
	default:
		return i18n.T("ko", "submission.not_selected")
	}
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

// CSVHeader is the header row of the CSV export. Money is in the unit the
// header names: 백만원 (서식 2-5's unit, with decimals where needed) and 원.
var CSVHeader = []string{"연번", "사업명", "사업내용(위치)", "사업내용(내용)", "사업비(백만원)", "사업비(원)",
	"자치구 담당부서", "서울시 담당부서", "자치단체경상보조(백만원)", "자치단체자본보조(백만원)", "실행부서", "비고",
	"득표(표)", "점수", "순위", "선정 여부"}

// Labels of the total rows that follow the agenda rows.
const (
	totalLabel    = "합계"
	selectedLabel = "선정 합계"
)

func (r SubmissionRow) cells() []string {
	cur, capital := "", ""
	if r.hasSplit() {
		cur, capital = plainMillion(r.CurrentSubsidy), plainMillion(r.CapitalSubsidy)
	}
	points := ""
	if r.Ranked {
		points = strconv.FormatInt(r.Points, 10)
	}
	return []string{strconv.Itoa(r.Rank), r.Title, r.Location, r.Content, plainMillion(r.Cost), strconv.FormatInt(r.Cost, 10),
		r.DistrictDepartment, r.CityDepartment, cur, capital, r.ExecutingDepartment, r.Remarks,
		strconv.FormatInt(r.Votes, 10), points, strconv.Itoa(r.Rank), r.Outcome}
}

func (r SubmissionRow) hasSplit() bool { return r.CurrentSubsidy != 0 || r.CapitalSubsidy != 0 }

// plainMillion is million without thousands separators, so that a
// spreadsheet opening the CSV reads a number: 1234.5.
func plainMillion(n int64) string { return strings.ReplaceAll(million(n), ",", "") }

// totals sums the money columns of rows, all of them or the selected ones.
type totals struct{ cost, current, capital int64 }

func sumRows(rows []SubmissionRow, selectedOnly bool) totals {
	var t totals
	for _, r := range rows {
		if selectedOnly && !r.Selected {
			continue
		}
		t.cost += r.Cost
		t.current += r.CurrentSubsidy
		t.capital += r.CapitalSubsidy
	}
	return t
}

func (t totals) cells(label string) []string {
	c := make([]string, len(CSVHeader))
	c[0] = label
	c[4], c[5] = plainMillion(t.cost), strconv.FormatInt(t.cost, 10)
	c[8], c[9] = plainMillion(t.current), plainMillion(t.capital)
	return c
}

// CSV writes the submission as UTF-8 with a byte-order mark (so Korean
// Excel opens it): one header row, the agenda rows in priority order right
// after it, then the total rows (합계, 선정 합계). A cell that a
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
	w.Write(sumRows(s.Rows, false).cells(totalLabel))
	w.Write(sumRows(s.Rows, true).cells(selectedLabel))
	for _, line := range s.extraLines() {
		w.Write([]string{Neutralize(line)})
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

type xlsxColumn struct {
	head, sub string
	width     float64
}

var xlsxColumns = []xlsxColumn{
	{"연번", "", 6}, {"사업명", "", 24}, {"사업내용", "위치", 16}, {"사업내용", "내용", 40},
	{"사업비", "백만원", 10}, {"사업비", "원", 14}, {"자치구 담당부서", "", 14}, {"서울시 담당부서", "", 14},
	{"예산과목(백만원)", "자치단체경상보조", 12}, {"예산과목(백만원)", "자치단체자본보조", 12},
	{"실행부서", "", 14}, {"비고", "", 26},
	{"투표 결과", "득표(표)", 9}, {"투표 결과", "점수", 9}, {"투표 결과", "순위", 7}, {"투표 결과", "선정 여부", 14},
}

// Positions (0-based, before the 자치구/동 columns) of the columns that
// carry numbers, and of 선정 여부.
const (
	colMillion, colWon, colCurrent, colCapital, colVotes, colPoints, colOutcome = 4, 5, 8, 9, 12, 13, 15
)

// Number formats: 원 with separators, 백만원 with one or two decimals.
var (
	fmtWon     = "#,##0"
	fmtMillion = "#,##0.0#"
)

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
	off := 0
	if withPlace {
		cols = append([]xlsxColumn{{"자치구", "", 10}, {"동", "", 10}}, cols...)
		off = 2
	}
	n := len(cols)
	col := func(i int) string { c, _ := excelize.ColumnNumberToName(off + i + 1); return c }
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
	number := func(format string, bold bool) (int, error) {
		return f.NewStyle(&excelize.Style{Border: border, CustomNumFmt: &format, Font: &excelize.Font{Bold: bold},
			Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "right"}})
	}
	wonStyle, err := number(fmtWon, false)
	if err != nil {
		return nil, err
	}
	millionStyle, err := number(fmtMillion, false)
	if err != nil {
		return nil, err
	}
	wonTotal, err := number(fmtWon, true)
	if err != nil {
		return nil, err
	}
	millionTotal, err := number(fmtMillion, true)
	if err != nil {
		return nil, err
	}
	totalStyle, err := f.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"}})
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
			continue
		}
		f.SetCellValue(xlsxSheet, c+"3", cols[i].sub)
		if i == 0 || cols[i-1].head != cols[i].head { // first of a group: merge its head over the group
			j := i
			for j+1 < n && cols[j+1].head == cols[i].head {
				j++
			}
			if j > i {
				c2, _ := excelize.ColumnNumberToName(j + 1)
				f.MergeCell(xlsxSheet, c+"2", c2+"2")
			}
		}
	}
	f.SetCellStyle(xlsxSheet, "A2", last+"3", headStyle)
	row := xlsxFirstRow
	var all []SubmissionRow
	for _, s := range subs {
		for _, r := range s.Rows {
			all = append(all, r)
			// Money and counts are numbers (SUM adds them); strings stay
			// strings, never formulas: SetSheetRow stores a string as a
			// shared string, so "=HYPERLINK(…)" is text.
			var cur, capital, points any
			if r.hasSplit() {
				cur, capital = float64(r.CurrentSubsidy)/1e6, float64(r.CapitalSubsidy)/1e6
			}
			if r.Ranked {
				points = r.Points
			}
			vals := []any{r.Rank, r.Title, r.Location, r.Content, float64(r.Cost) / 1e6, r.Cost,
				r.DistrictDepartment, r.CityDepartment, cur, capital, r.ExecutingDepartment, r.Remarks,
				r.Votes, points, r.Rank, r.Outcome}
			if withPlace {
				vals = append([]any{s.District, s.Dong}, vals...)
			}
			if err := f.SetSheetRow(xlsxSheet, "A"+strconv.Itoa(row), &vals); err != nil {
				return nil, err
			}
			rs := strconv.Itoa(row)
			f.SetCellStyle(xlsxSheet, "A"+rs, last+rs, cellStyle)
			for _, c := range []int{colMillion, colCurrent, colCapital} {
				f.SetCellStyle(xlsxSheet, col(c)+rs, col(c)+rs, millionStyle)
			}
			for _, c := range []int{colWon, colVotes, colPoints} {
				f.SetCellStyle(xlsxSheet, col(c)+rs, col(c)+rs, wonStyle)
			}
			row++
		}
	}
	// 합계 and 선정 합계 under the agenda rows: formulas over the rows
	// above, so an officer who edits a row sees the total follow.
	first, end := strconv.Itoa(xlsxFirstRow), strconv.Itoa(max(row-1, xlsxFirstRow))
	outcomes := col(colOutcome) + first + ":" + col(colOutcome) + end
	for k, label := range []string{totalLabel, selectedLabel} {
		rs := strconv.Itoa(row)
		f.SetCellValue(xlsxSheet, "A"+rs, label)
		f.MergeCell(xlsxSheet, "A"+rs, col(colMillion-1)+rs)
		f.SetCellStyle(xlsxSheet, "A"+rs, last+rs, cellStyle)
		f.SetCellStyle(xlsxSheet, "A"+rs, col(colMillion-1)+rs, totalStyle)
		t := sumRows(all, k == 1)
		for _, c := range []int{colMillion, colWon, colCurrent, colCapital} {
			rng := col(c) + first + ":" + col(c) + end
			formula := "SUM(" + rng + ")"
			if k == 1 {
				formula = `SUMIF(` + outcomes + `,"` + i18n.T("ko", "submission.selected") + `",` + rng + ")"
			}
			if len(all) == 0 {
				formula = "0"
			}
			// The value first (for readers that do not calculate), then the
			// formula; the workbook asks Excel to recalculate on opening.
			v := map[int]int64{colMillion: t.cost, colWon: t.cost, colCurrent: t.current, colCapital: t.capital}[c]
			if c == colWon {
				f.SetCellValue(xlsxSheet, col(c)+rs, v)
			} else {
				f.SetCellValue(xlsxSheet, col(c)+rs, float64(v)/1e6)
			}
			if err := f.SetCellFormula(xlsxSheet, col(c)+rs, formula); err != nil {
				return nil, err
			}
			st := millionTotal
			if c == colWon {
				st = wonTotal
			}
			f.SetCellStyle(xlsxSheet, col(c)+rs, col(c)+rs, st)
		}
		row++
	}
	full := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}); err != nil {
		return nil, err
	}
	for _, s := range subs {
		for _, line := range s.extraLines() {
			row++
			rs := strconv.Itoa(row)
			if withPlace {
				line = s.District + " " + s.Dong + ": " + line
			}
			f.SetCellStr(xlsxSheet, "A"+rs, line)
			f.MergeCell(xlsxSheet, "A"+rs, last+rs)
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
