package execution

import (
	"context"
	"encoding/json"
)

// OpenAgenda is one approved agenda in the open data: no personal data,
// only places, departments, money and dates.
type OpenAgenda struct {
	Year         int    `json:"year"`
	District     string `json:"district"`
	Dong         string `json:"dong"`
	Rank         int    `json:"rank"`
	Title        string `json:"title"`
	Cost         int64  `json:"cost"`
	Department   string `json:"department"`
	Decision     string `json:"decision"`
	Conditions   string `json:"conditions"`
	MeetingDate  string `json:"meeting_date"`
	Status       string `json:"status"`
	PlanAgreedOn string `json:"plan_agreed_on"`
	StartedOn    string `json:"started_on"`
	FinishedOn   string `json:"finished_on"`
	Spent        int64  `json:"spent"`
}

// OpenField describes one column of the open data (the data dictionary).
type OpenField struct {
	Name, Column, Type, Key string
}

// OpenFields are the open data's columns, in order: JSON name, CSV/XLSX
// header, type, and the message key of the description.
var OpenFields = []OpenField{
	{"year", "연도", "integer", "execution.open.year"},
	{"district", "자치구", "text", "execution.open.district"},
	{"dong", "동", "text", "execution.open.dong"},
	{"rank", "순위", "integer", "execution.open.rank"},
	{"title", "사업명", "text", "execution.open.title"},
	{"cost", "사업비(원)", "integer (KRW)", "execution.open.cost"},
	{"department", "실행부서", "text", "execution.open.department"},
	{"decision", "심의결과", "approved | conditional", "execution.open.decision"},
	{"conditions", "승인 조건", "text", "execution.open.conditions"},
	{"meeting_date", "심의일", "date (YYYY-MM-DD)", "execution.open.meeting_date"},
	{"status", "실행상태", "planning | running | done | stopped", "execution.open.status"},
	{"plan_agreed_on", "세부실행계획 합의일", "date (YYYY-MM-DD)", "execution.open.plan_agreed_on"},
	{"started_on", "착수일", "date (YYYY-MM-DD)", "execution.open.started_on"},
	{"finished_on", "완료·중단일", "date (YYYY-MM-DD)", "execution.open.finished_on"},
	{"spent", "집행액(원)", "integer (KRW)", "execution.open.spent"},
}

// OpenData lists the year's approved agendas (승인 and 조건부 승인) with
// their execution, for everyone.
func (s *Service) OpenData(ctx context.Context, year int) ([]OpenAgenda, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	list, err := s.find(ctx, `p.year = $1 AND p.decision IN ('approved', 'conditional')`, year)
	if err != nil {
		return nil, err
	}
	out := make([]OpenAgenda, 0, len(list))
	for _, a := range list {
		out = append(out, OpenAgenda{Year: a.Year, District: a.District, Dong: a.Dong, Rank: a.Rank, Title: a.Title,
			Cost: a.Cost, Department: a.Department, Decision: a.Decision, Conditions: a.Conditions,
			MeetingDate: dayString(a.MeetingDate), Status: a.Status, PlanAgreedOn: dayString(a.PlanAgreedOn),
			StartedOn: dayString(a.StartedOn), FinishedOn: dayString(a.FinishedOn), Spent: a.Spent})
	}
	return out, nil
}

func (o OpenAgenda) cells() []any {
	return []any{o.Year, o.District, o.Dong, o.Rank, o.Title, o.Cost, o.Department, o.Decision, o.Conditions,
		o.MeetingDate, o.Status, o.PlanAgreedOn, o.StartedOn, o.FinishedOn, o.Spent}
}

func openHeader() []string {
	h := make([]string, len(OpenFields))
	for i, f := range OpenFields {
		h[i] = f.Column
	}
	return h
}

func openRows(list []OpenAgenda) [][]any {
	rows := make([][]any, len(list))
	for i, o := range list {
		rows[i] = o.cells()
	}
	return rows
}

// OpenCSV writes the open data as CSV (UTF-8 with BOM, formulas neutralised).
func OpenCSV(list []OpenAgenda) []byte { return csvTable(openHeader(), openRows(list)) }

// OpenXLSX writes the open data as a spreadsheet.
func OpenXLSX(list []OpenAgenda) ([]byte, error) {
	return table("실행의제", openHeader(), openRows(list))
}

// OpenJSON writes the open data as JSON: the year, the fields and the rows.
func OpenJSON(year int, list []OpenAgenda) []byte {
	names := make([]string, len(OpenFields))
	for i, f := range OpenFields {
		names[i] = f.Name
	}
	b, _ := json.Marshal(struct {
		Year    int          `json:"year"`
		Fields  []string     `json:"fields"`
		Agendas []OpenAgenda `json:"agendas"`
	}{year, names, list})
	return b
}
