package web

import (
	"errors"
	"testing"

	"maeul"
)

// FuzzDecodeJSON feeds arbitrary bodies to the API's one decoder, onto a
// struct like the API's: no panic, and every refusal is EMALFORMED (400) or
// EINVALID (422) naming a field.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"title":"놀이터","cost":5000000,"tags":["a"],"when":"2027-07-15T14:00:00+09:00"}`,
		`{"cost":"five"}`, `{"nested":{"n":1}}`, `[]`, `null`, `{}`, `{"a":1} {"b":2}`, ``, `   `,
		`{"cost":1e400}`, `{"title":"\ud800"}`, `{"tags":[1,2]}`, `{`, `"str"`,
	} {
		f.Add([]byte(s))
	}
	type body struct {
		Title  *string          `json:"title"`
		Cost   int64            `json:"cost"`
		Tags   []string         `json:"tags"`
		When   string           `json:"when"`
		Nested *struct{ N int } `json:"nested"`
		Any    any              `json:"any"`
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v body
		err := DecodeJSONBytes(data, &v)
		if err == nil {
			return
		}
		var me *maeul.Error
		if !errors.As(err, &me) || me.Key == "" {
			t.Fatalf("DecodeJSONBytes: %#v", err)
		}
		switch {
		case me.Code == maeul.EMALFORMED:
		case me.Code == maeul.EINVALID && me.Field != "":
		default:
			t.Fatalf("DecodeJSONBytes: %#v", me)
		}
	})
}
