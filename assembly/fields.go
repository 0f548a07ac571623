package assembly

import (
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"maeul"
	"maeul/i18n"
)

// AgendaFields are what a host writes about an agenda: every field of
// 서식 2-5, the 실행계획서 and the 서식 2-6 review. The struct declares each
// field's Go name, its database column (db tag) and its JSON name (json tag,
// also the form key); the order is the API's. agendaFields below says the
// rest once — kind, limits, messages, form place and import headers — and
// drives the checks, the form, the import and the SQL.
type AgendaFields struct {
	Title              string `db:"title" json:"title"`
	Summary            string `db:"summary" json:"summary"`
	Location           string `db:"location" json:"location"`
	Cost               int64  `db:"cost" json:"cost"`
	CurrentSubsidy     int64  `db:"current_subsidy" json:"current_subsidy"`
	CapitalSubsidy     int64  `db:"capital_subsidy" json:"capital_subsidy"`
	Subcommittee       string `db:"subcommittee" json:"subcommittee"`
	Proposer           string `db:"proposer" json:"proposer"`
	ExecutionType      string `db:"execution_type" json:"execution_type"`
	DistrictDepartment string `db:"district_department" json:"district_department"`
	CityDepartment     string `db:"city_department" json:"city_department"`
	DraftingRound      int16  `db:"drafting_round" json:"drafting_round"`
	Purpose            string `db:"purpose" json:"purpose"`
	Period             string `db:"period" json:"period"`
	Executor           string `db:"executor" json:"executor"`
	Approach           string `db:"approach" json:"approach"`
	RelatedParties     string `db:"related_parties" json:"related_parties"`
	FuturePlan         string `db:"future_plan" json:"future_plan"`
	Remarks            string `db:"remarks" json:"remarks"`
	// 실행계획서 header and plan (서식 2-5): the contacts (동회의 담당 by name
	// only — a member's phone is never stored; 동주민센터 담당 with the
	// office's number), 실행 지역 and 사업비 마련 방안.
	CouncilContact   string `db:"council_contact" json:"council_contact"`
	CenterContact    string `db:"center_contact" json:"center_contact"`
	CenterPhone      string `db:"center_phone" json:"center_phone"`
	ExecutionArea    string `db:"execution_area" json:"execution_area"`
	FundingPlan      string `db:"funding_plan" json:"funding_plan"`
	ReviewResult     string `db:"review_result" json:"review_result"`
	ReviewDepartment string `db:"review_department" json:"review_department"`
	ReviewNotes      string `db:"review_notes" json:"review_notes"`
}

// AgendaInput is what a host sets on an agenda: its fields.
type AgendaInput = AgendaFields

// fieldKind is what a field holds and so how it is read and checked.
type fieldKind int

const (
	kindText   fieldKind = iota // text up to Max runes
	kindMoney                   // won, 0…maxMoney
	kindRound                   // 작성단계 1–3 (0 means 1)
	kindChoice                  // one of Choices, or empty
)

// Review results (서식 2-6 적정성 검토).
var reviewResults = []string{"adequate", "inadequate"}

// agendaField describes one field of AgendaFields.
type agendaField struct {
	Name     string // the Go field of AgendaFields
	Kind     fieldKind
	Required bool // title: Check insists; cost: the form and the import insist
	// Correctable: may still change after voting opened, while the district
	// has returned the list (the correction window). What decided the vote
	// (the title residents chose, the cost the budget line was drawn with)
	// is not; such a field has a message "agenda.locked.<json>" saying why.
	Correctable bool
	Max         int    // runes, for text
	Key         string // message when the value is bad (too long, out of range, not a choice)
	NeedKey     string // message when a required text is empty
	Choices     []string
	// The host form: which fieldset, which control, whether a hint is shown.
	// A choice's options are labelled Options+value, the empty one OptionNone.
	Group string // "list", "plan" or "review"
	// ReadOnly fields are filled by the department's final review
	// (package planning, through SetReview): the host form shows them, the
	// API refuses a value that differs from the stored one.
	ReadOnly   bool
	Control    string // text, textarea, number, select
	Hint       bool
	Options    string
	OptionNone string
	// The import: the headers that name the column (the first as printed in
	// the example; they match with every space removed), the column in the
	// example file (0: not in it) and its example value.
	Headers   []string
	Million   []string          // money headers in 백만원 (the cost only)
	Labels    map[string]string // accepted words (spaces removed) → value
	ImportKey string            // message when a cell cannot be read
	Sheet     int
	Example   string

	// Filled in from the struct tags by init.
	Column, JSON string
	index        int
}

// agendaFields is the one table of the agenda's fields, in the order of the
// host form.
var agendaFields = []agendaField{
	// 의제 목록 (서식 2-5)
	{Name: "Title", Kind: kindText, Required: true, Max: maxTitle, Key: "assembly.title_too_long", NeedKey: "agenda.need_title",
		Group: "list", Control: "text", Headers: []string{"사업명", "의제명"}, Sheet: 1, Example: "주민과 상인 우리 지금 만나!"},
	{Name: "Location", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "list", Control: "text", Hint: true, Headers: []string{"위치"}, Sheet: 3, Example: "축산물시장 인근 상가"},
	{Name: "Summary", Correctable: true, Kind: kindText, Max: maxLongText, Key: "assembly.text_too_long",
		Group: "list", Control: "textarea", Hint: true, Headers: []string{"사업내용", "내용"}, Sheet: 2,
		Example: "축산물시장 인근 환경개선을 위한 소통모임 운영"},
	{Name: "Cost", Kind: kindMoney, Required: true, Key: "agenda.bad_cost",
		Group: "list", Control: "number", Hint: true, Headers: []string{"사업비 (원)", "사업비"}, Million: []string{"사업비(백만원)"},
		Sheet: 4, Example: "5000000"},
	{Name: "CurrentSubsidy", Correctable: true, Kind: kindMoney, Key: "agenda.bad_money",
		Group: "list", Control: "number", Hint: true, Headers: []string{"경상보조", "자치단체경상보조"}, Sheet: 5, Example: "2000000"},
	{Name: "CapitalSubsidy", Correctable: true, Kind: kindMoney, Key: "agenda.bad_money",
		Group: "list", Control: "number", Headers: []string{"자본보조", "자치단체자본보조"}, Sheet: 6, Example: "3000000"},
	{Name: "DistrictDepartment", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "list", Control: "text", Headers: []string{"자치구 담당부서"}, Sheet: 7, Example: "마을과/지역경제과"},
	{Name: "CityDepartment", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "list", Control: "text", Headers: []string{"서울시 담당부서"}, Sheet: 8, Example: "지역공동체담당관"},
	{Name: "Remarks", Correctable: true, Kind: kindText, Max: maxLongText, Key: "assembly.text_too_long",
		Group: "list", Control: "textarea", Headers: []string{"비고"}, Sheet: 12},
	// 실행계획서
	{Name: "Subcommittee", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "plan", Control: "text", Headers: []string{"분과"}, Sheet: 9, Example: "소통분과"},
	{Name: "Proposer", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "plan", Control: "text", Headers: []string{"제안자"}, Sheet: 10, Example: "주민 홍길동"},
	{Name: "DraftingRound", Correctable: true, Kind: kindRound, Key: "agenda.bad_round", ImportKey: "import.bad_round",
		Group: "plan", Control: "select", Headers: []string{"작성단계"}},
	{Name: "ExecutionType", Correctable: true, Kind: kindChoice, Choices: ExecutionTypes, Key: "agenda.bad_execution_type",
		Labels: executionLabels, ImportKey: "import.bad_execution_type",
		Group: "plan", Control: "select", Options: "host.exec.", OptionNone: "host.choose", Headers: []string{"실행유형"}, Sheet: 11, Example: "민관 협력형"},
	{Name: "Purpose", Correctable: true, Kind: kindText, Max: maxLongText, Key: "assembly.text_too_long",
		Group: "plan", Control: "textarea", Headers: []string{"실행목적"}},
	{Name: "Period", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "plan", Control: "text", Hint: true, Headers: []string{"실행기간"}},
	{Name: "Executor", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "plan", Control: "text", Headers: []string{"실행주체"}},
	{Name: "Approach", Correctable: true, Kind: kindText, Max: maxLongText, Key: "assembly.text_too_long",
		Group: "plan", Control: "textarea", Headers: []string{"추진방법"}},
	{Name: "RelatedParties", Correctable: true, Kind: kindText, Max: maxLongText, Key: "assembly.text_too_long",
		Group: "plan", Control: "textarea", Headers: []string{"유관주체", "유관주체(부서)"}},
	{Name: "FuturePlan", Correctable: true, Kind: kindText, Max: maxLongText, Key: "assembly.text_too_long",
		Group: "plan", Control: "textarea", Headers: []string{"향후추진계획"}},
	{Name: "CouncilContact", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "plan", Control: "text", Hint: true, Headers: []string{"동회의담당"}},
	{Name: "CenterContact", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "plan", Control: "text", Headers: []string{"동주민센터담당"}},
	{Name: "CenterPhone", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "plan", Control: "text", Hint: true, Headers: []string{"동주민센터연락처"}},
	{Name: "ExecutionArea", Correctable: true, Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long",
		Group: "plan", Control: "text", Hint: true, Headers: []string{"실행지역"}},
	{Name: "FundingPlan", Correctable: true, Kind: kindText, Max: maxLongText, Key: "assembly.text_too_long",
		Group: "plan", Control: "textarea", Hint: true, Headers: []string{"사업비마련방안"}},
	// 적정성 검토 (서식 2-6): read-only, from the department's final review.
	{Name: "ReviewResult", Kind: kindChoice, Choices: reviewResults, Key: "agenda.bad_review", ReadOnly: true,
		Group: "review", Control: "static", Options: "host.review.", OptionNone: "host.review.none"},
	{Name: "ReviewDepartment", Kind: kindText, Max: maxShortText, Key: "assembly.text_too_long", ReadOnly: true,
		Group: "review", Control: "static"},
	{Name: "ReviewNotes", Kind: kindText, Max: maxLongText, Key: "assembly.text_too_long", ReadOnly: true,
		Group: "review", Control: "static"},
}

// Built from agendaFields by init.
var (
	agendaFieldByJSON map[string]*agendaField
	// agendaFieldColumns lists the columns: title, summary, …
	agendaFieldColumns string
	// agendaColumns is what every agenda query selects, for Agenda.
	agendaColumns string
	// agendaInsert inserts an agenda after the assembly's last one:
	// $1 assembly id, then the fields' values in table order.
	agendaInsert string
	// agendaUpdate sets every field: $1 agenda id, then the values.
	agendaUpdate string
)

func init() {
	t := reflect.TypeFor[AgendaFields]()
	if len(agendaFields) != t.NumField() {
		panic("assembly: agendaFields does not describe every field of AgendaFields")
	}
	agendaFieldByJSON = map[string]*agendaField{}
	var cols, params, sets []string
	for i := range agendaFields {
		f := &agendaFields[i]
		sf, ok := t.FieldByName(f.Name)
		if !ok {
			panic("assembly: agendaFields names no field " + f.Name)
		}
		f.index, f.Column, f.JSON = sf.Index[0], sf.Tag.Get("db"), sf.Tag.Get("json")
		if _, dup := agendaFieldByJSON[f.JSON]; dup || f.Column == "" || f.JSON == "" {
			panic("assembly: bad or repeated agenda field " + f.Name)
		}
		agendaFieldByJSON[f.JSON] = f
		if !f.Correctable && !f.ReadOnly && !i18n.Default.Has(f.LockedKey()) {
			panic("assembly: agenda field " + f.Name + " is frozen after voting but has no message " + f.LockedKey())
		}
		n := strconv.Itoa(i + 2)
		cols = append(cols, f.Column)
		params = append(params, "$"+n)
		sets = append(sets, f.Column+" = $"+n)
	}
	agendaFieldColumns = strings.Join(cols, ", ")
	agendaColumns = "id, assembly_id, number, " + agendaFieldColumns + ", created_at, updated_at"
	agendaInsert = `INSERT INTO agendas (assembly_id, number, ` + agendaFieldColumns + `)
		VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM agendas WHERE assembly_id = $1), ` +
		strings.Join(params, ", ") + `) RETURNING ` + agendaColumns
	agendaUpdate = `UPDATE agendas SET ` + strings.Join(sets, ", ") + `, updated_at = now()
		WHERE id = $1 RETURNING ` + agendaColumns
}

// LockedKey is the message saying why the field no longer changes once
// voting has opened.
func (f *agendaField) LockedKey() string { return "agenda.locked." + f.JSON }

// CorrectableFields are the JSON names of the fields a dong may correct
// while the district has returned its list, in the form's order.
func CorrectableFields() []string {
	var out []string
	for i := range agendaFields {
		if agendaFields[i].Correctable {
			out = append(out, agendaFields[i].JSON)
		}
	}
	return out
}

// checkCorrection returns an ECONFLICT naming the first field of in that
// differs from cur but may not change in the correction window.
func checkCorrection(cur, in *AgendaFields) error {
	for i := range agendaFields {
		f := &agendaFields[i]
		if !f.Correctable && !f.value(cur).Equal(f.value(in)) {
			return maeul.FieldErrorf(maeul.ECONFLICT, f.JSON, f.LockedKey())
		}
	}
	return nil
}

// value is the field's reflect.Value in in (settable).
func (f *agendaField) value(in *AgendaFields) reflect.Value {
	return reflect.ValueOf(in).Elem().Field(f.index)
}

// String returns the field's value as the form shows it.
func (f *agendaField) String(in *AgendaFields) string {
	v := f.value(in)
	switch f.Kind {
	case kindMoney:
		return strconv.FormatInt(v.Int(), 10)
	case kindRound:
		return strconv.FormatInt(max(v.Int(), 1), 10)
	}
	return v.String()
}

// SetText sets a text or choice field.
func (f *agendaField) SetText(in *AgendaFields, s string) { f.value(in).SetString(s) }

// SetInt sets a money or round field.
func (f *agendaField) SetInt(in *AgendaFields, n int64) { f.value(in).SetInt(n) }

// Int returns a money or round field.
func (f *agendaField) Int(in *AgendaFields) int64 { return f.value(in).Int() }

// args are the fields' values in table order, after the given leading ones.
func (in *AgendaFields) args(lead ...any) []any {
	out := append(make([]any, 0, len(lead)+len(agendaFields)), lead...)
	for i := range agendaFields {
		out = append(out, agendaFields[i].value(in).Interface())
	}
	return out
}

// parseRound reads 작성단계: "1", "2차"…; 0 and false for anything else.
func parseRound(s string) (int16, bool) {
	switch strings.TrimSuffix(squeeze(s), "차") {
	case "", "1":
		return 1, true
	case "2":
		return 2, true
	case "3":
		return 3, true
	}
	return 0, false
}

// Check trims the text fields and returns every problem, each an EINVALID
// naming its JSON field; nil when the input is good. Short texts are
// checked before long ones, then money, then the choices.
func (in *AgendaFields) Check() []*maeul.Error {
	var errs []*maeul.Error
	bad := func(f *agendaField, key string, args ...any) {
		errs = append(errs, maeul.FieldErrorf(maeul.EINVALID, f.JSON, key, args...))
	}
	for _, limit := range []int{maxShortText, maxLongText} {
		for i := range agendaFields {
			f := &agendaFields[i]
			if f.Kind != kindText || f.Max != limit {
				continue
			}
			s := strings.TrimSpace(f.value(in).String())
			f.SetText(in, s)
			switch {
			case s == "" && f.Required:
				bad(f, f.NeedKey)
			case utf8.RuneCountInString(s) > f.Max:
				bad(f, f.Key, f.Max)
			}
		}
	}
	for i := range agendaFields {
		if f := &agendaFields[i]; f.Kind == kindMoney {
			if n := f.Int(in); n < 0 || n > maxMoney {
				bad(f, f.Key)
			}
		}
	}
	if in.CurrentSubsidy >= 0 && in.CapitalSubsidy >= 0 && in.CurrentSubsidy+in.CapitalSubsidy != 0 &&
		in.CurrentSubsidy+in.CapitalSubsidy != in.Cost {
		errs = append(errs, maeul.FieldErrorf(maeul.EINVALID, "current_subsidy", "agenda.subsidy_sum"))
	}
	for i := range agendaFields {
		f := &agendaFields[i]
		switch f.Kind {
		case kindChoice:
			s := strings.TrimSpace(f.value(in).String())
			f.SetText(in, s)
			if s != "" && !contains(f.Choices, s) {
				bad(f, f.Key)
			}
		case kindRound:
			if f.Int(in) == 0 {
				f.SetInt(in, 1)
			}
			if n := f.Int(in); n < 1 || n > 3 {
				bad(f, f.Key)
			}
		}
	}
	return errs
}

// keepReadOnly refuses a read-only field (the department's review) whose
// value in differs from was's, for the API; the form never posts them.
func (in *AgendaFields) keepReadOnly(was *AgendaFields) error {
	for i := range agendaFields {
		f := &agendaFields[i]
		if f.ReadOnly && f.value(in).Interface() != f.value(was).Interface() {
			return maeul.FieldErrorf(maeul.EINVALID, f.JSON, "agenda.review_by_department")
		}
	}
	return nil
}

// copyReadOnly sets in's read-only fields to was's.
func (in *AgendaFields) copyReadOnly(was *AgendaFields) {
	for i := range agendaFields {
		if f := &agendaFields[i]; f.ReadOnly {
			f.value(in).Set(f.value(was))
		}
	}
}

// AgendaFieldNames are the JSON names of the agenda's fields in the order
// of the form (their labels are the messages "host.g." + name).
func AgendaFieldNames() []string {
	out := make([]string, len(agendaFields))
	for i := range agendaFields {
		out[i] = agendaFields[i].JSON
	}
	return out
}

// Validate returns the first problem of Check, or nil.
func (in *AgendaFields) Validate() error {
	if errs := in.Check(); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
