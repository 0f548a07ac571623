package assembly

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"maeul"
	"maeul/i18n"
	"maeul/web"
)

// formField is one labelled control; the template draws every kind the same
// way, with its hint and error tied to it by aria-describedby.
type formField struct {
	Name     string
	Label    string
	Hint     string
	Kind     string // text, textarea, number, datetime, select, checkbox, static
	Value    string
	Checked  bool
	Error    string
	Required bool
	Options  []formOption
	Selected map[string]bool // checks: the checked options
	// Locked says why a read-only field no longer changes.
	Locked string
}

type formOption struct {
	Value, Label string
}

type formGroup struct {
	Legend string
	Fields []formField
}

type formPage struct {
	web.Page
	Assembly *Assembly
	Agenda   *Agenda
	Heading  string
	Action   string
	Submit   string
	Cancel   string
	Groups   []formGroup
	HasError bool
	Notice   string
}

// formValues is a submitted (or prefilled) form with its problems by field.
type formValues struct {
	V    map[string]string
	Errs map[string]string
	lang string
	// prefix picks the labels: "host.f." (assembly) or "host.g." (agenda);
	// hints are under prefix + "hint.".
	prefix string
}

func newForm(lang, prefix string) *formValues {
	return &formValues{V: map[string]string{}, Errs: map[string]string{}, lang: lang, prefix: prefix}
}

func (f *formValues) fail(err error) error {
	var me *maeul.Error
	if !errors.As(err, &me) || me.Code != maeul.EINVALID && !(me.Code == maeul.ECONFLICT && me.Field != "") {
		return err
	}
	if _, dup := f.Errs[me.Field]; !dup {
		f.Errs[me.Field] = web.Message(f.lang, me)
	}
	return nil
}

func (f *formValues) field(name, kind string, required bool, opts ...formOption) formField {
	return formField{Name: name, Label: i18n.T(f.lang, f.prefix+name), Kind: kind, Value: f.V[name],
		Checked: f.V[name] == "on", Error: f.Errs[name], Required: required, Options: opts}
}

// checks is a group of checkboxes, one per option, posted as name_value;
// f.V[name] holds the checked values joined by commas.
func (f *formValues) checks(name string, opts ...formOption) formField {
	ff := f.field(name, "checks", false, opts...)
	ff.Selected = map[string]bool{}
	for _, v := range strings.Split(f.V[name], ",") {
		ff.Selected[v] = v != ""
	}
	return ff
}

func (f *formValues) hinted(ff formField) formField {
	ff.Hint = i18n.T(f.lang, f.prefix+"hint."+ff.Name)
	return ff
}

const formTime = "2006-01-02T15:04"

func localTime(t time.Time) string { return t.In(web.Seoul).Format(formTime) }

// parseLocal reads a datetime-local value in Seoul time.
func parseLocal(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{formTime, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, web.Seoul); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseWon reads "30,000,000" or "30000000원".
func parseWon(s string) (int64, bool) {
	s = strings.TrimSuffix(squeeze(strings.ReplaceAll(s, ",", "")), "원")
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}
