package voting_test

import (
	"errors"
	"strings"
	"testing"

	"maeul"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/voting"
)

// FuzzParseBallot feeds arbitrary bodies to the ballot parser and the rule
// check: they never panic, every refusal is a 400 or 422 with a message
// key, and whatever passes obeys the method.
func FuzzParseBallot(f *testing.F) {
	for _, s := range []string{
		`{"assembly":"a","code":"K7QM-2XRP-9D","choices":["1","2"],"nonce":"x"}`,
		`{"assembly":"a","code":"x","choices":[1,2,3],"nonce":""}`,
		`{"assembly":"a","code":"x","choices":["1","1"]}`,
		`{"assembly":"a","code":"x","choices":["4","5","6"]}`,
		`{"assembly":"a","code":"x","choices":[]}`,
		`{"assembly":"a","code":"x","choices":["-1","99999999999999999999"]}`,
		`{"assembly":"a","code":"x","choices":[" 2 ","0x3","1e2"]}`,
		`{"assembly":"","choices":null}`,
		`{"assembly":"a","choices":[{"id":1}]}`,
		`{"assembly":"a","choices":"1,2"}`,
		`[]`, `null`, `{}`, `{"assembly":"a"} {"b":1}`, `{"assembly":"a","code":"o0il-2xrp-9d"}`, "",
	} {
		f.Add([]byte(s))
	}
	agendas := []assembly.Agenda{{ID: 1, AgendaFields: assembly.AgendaFields{Cost: 5_000_000}}, {ID: 2, AgendaFields: assembly.AgendaFields{Cost: 12_000_000}}, {ID: 3, AgendaFields: assembly.AgendaFields{Cost: 8_000_000}},
		{ID: 4, AgendaFields: assembly.AgendaFields{Cost: 3_000_000}}, {ID: 5, AgendaFields: assembly.AgendaFields{Cost: 9_500_000}}, {ID: 6, AgendaFields: assembly.AgendaFields{Cost: 15_000_000}}}
	rules := []*voting.Rules{
		voting.NewRules(&assembly.Assembly{Method: assembly.MethodApproval, MaxChoices: 3, BudgetCap: 30_000_000}, agendas),
		voting.NewRules(&assembly.Assembly{Method: assembly.MethodRanked, MaxChoices: 2, BudgetCap: 30_000_000}, agendas),
		voting.NewRules(&assembly.Assembly{Method: assembly.MethodBudget, MaxChoices: 1, BudgetCap: 20_000_000}, agendas),
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := voting.ParseBallot(body)
		if err != nil {
			var e *maeul.Error
			if !errors.As(err, &e) || (e.Code != maeul.EMALFORMED && e.Code != maeul.EINVALID) || e.Key == "" {
				t.Fatalf("parse error %v is not a 400/422 with a message", err)
			}
			return
		}
		if req.Assembly == "" {
			t.Fatal("accepted a ballot without an assembly")
		}
		voting.ParseCode(req.Code)
		for _, r := range rules {
			ids, err := r.Check(req.Choices)
			if err != nil {
				var e *maeul.Error
				if !errors.As(err, &e) || e.Code != maeul.EINVALID || e.Key == "" {
					t.Fatalf("check error %v is not a 422 with a message", err)
				}
				continue
			}
			if len(ids) == 0 {
				t.Fatal("accepted an empty ballot")
			}
			seen := map[int64]bool{}
			var total int64
			for _, id := range ids {
				cost, ok := r.Cost[id]
				if !ok || seen[id] {
					t.Fatalf("accepted unknown or repeated agenda %d in %v", id, ids)
				}
				seen[id] = true
				total += cost
			}
			switch r.Method {
			case assembly.MethodBudget:
				if total > r.BudgetCap {
					t.Fatalf("accepted %d won over the cap", total)
				}
			default:
				if len(ids) > r.MaxChoices {
					t.Fatalf("accepted %d choices, max %d", len(ids), r.MaxChoices)
				}
			}
		}
	})
}

func TestParseCode(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" for an error
		code string
	}{
		{"K7QM-2XRP-9D", "ok", ""},
		{" k7qm 2xrp 9d ", "ok", ""},
		{"K7QM2XRP9D", "ok", ""},
		{"K7QM-2XRP-9O", "", maeul.EINVALID},
		{"K7QM-2XRP-91", "", maeul.EINVALID},
		{"K7QM-2XRP", "", maeul.EINVALID},
		{"K7QM-2XRP-9", "", maeul.EINVALID},
		{"K7QM-2XRP-9DD", "", maeul.EINVALID},
		{"K7QM-2XRP-9D-XYZW-AB", "", maeul.ENOTFOUND},
		{"", "", maeul.EINVALID},
		{"AAAAAAAAAAAAAAAAAAAAAA", "ok", ""},
		// A keyboard left in Korean (2-beolsik): each key's jamo is its letter.
		{"ㅏ7ㅂㅡ-2ㅌㄱㅔ-9ㅇ", "K7QM2XRP9D", ""},
		{"ㅁㅠㅊㅇ-ㄷㄹㅎㅗ-ㅓㅏ", "ABCDEFGHJK", ""},
		{"ㅡㅜㅔㅂ-ㄱㄴㅅㅍ-ㅈㅌ", "MNPQRSTVWX", ""},
		{"ㅛㅋ23-4567-89", "YZ23456789", ""},
		// Shifted keys (a capital letter typed in Korean) are the same letters.
		{"ㄸㅖㅃㄲ-ㅆㅉ23-45", "EPQRTW2345", ""},
		// What the keyboard composes as it goes: 효 = ㅎ+ㅛ, 븐 = ㅂ+ㅡ+ㄴ, 닭 = ㄷ+ㅏ+ㄺ.
		{"효븐-닭2", "GYQMSEKFR2", ""},
		{"ＫＡＢＣ-２ＸＲＰ-９Ｄ", "KABC2XRP9D", ""},
		// Keys outside the alphabet (O, I, L, U) say which symbols exist.
		{"ㅐ7QM-2XRP-9D", "", maeul.EINVALID},
		{"ㅣ7QM-2XRP-9D", "", maeul.EINVALID},
		{"가나다", "", maeul.ENOTFOUND},
	} {
		t.Run(c.in, func(t *testing.T) {
			_, err := voting.ParseCode(c.in)
			if (err == nil) != (c.want != "") || (err != nil && maeul.ErrorCode(err) != c.code) {
				t.Fatalf("ParseCode(%q) = %v", c.in, err)
			}
			if err == nil && c.want != "ok" {
				if got := voting.PlainCode(c.in); got != c.want {
					t.Fatalf("ParseCode(%q) reads %s, want %s", c.in, got, c.want)
				}
			}
		})
	}
	t.Run("one symbol short says how long codes are", func(t *testing.T) {
		_, err := voting.ParseCode("K7QM-2XRP-9")
		var me *maeul.Error
		if !errors.As(err, &me) || me.Key != "code.length" || !strings.Contains(i18n.T("ko", me.Key, me.Args...), "코드는 10자리입니다") {
			t.Fatalf("%#v", err)
		}
	})
	if g := voting.GroupShort("K7QM2XRP9D"); g != "K7QM-2XRP-9D" {
		t.Fatalf("GroupShort = %s", g)
	}
}

// FuzzParseCode feeds arbitrary strings to the code parser: no panic; a
// refusal is EINVALID or ENOTFOUND on the field "code"; what it accepts it
// accepts again in the grouped and lower-case forms people type.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"K7QM-2XRP-9D", " k7qm 2xrp 9d ", "K7QM2XRP9D", "K7QM-2XRP-9O", "K7QM-2XRP-91",
		"K7QM-2XRP", "", "AAAAAAAAAAAAAAAAAAAAAA", "K7QM—2XRP–9D", "ＫＡＢＣ-2XRP-9D", "\x00\xff",
		"ㅏ7ㅂㅡ-2ㅌㄱㅔ-9ㅇ", "효븐-닭2", "ㄸㅖㅃㄲ-ㅆㅉ23-45", "K7QM-2XRP-9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := voting.ParseCode(s)
		if err != nil {
			var me *maeul.Error
			if !errors.As(err, &me) || (me.Code != maeul.EINVALID && me.Code != maeul.ENOTFOUND) || me.Field != "code" {
				t.Fatalf("ParseCode(%q): %#v", s, err)
			}
			return
		}
		// Accepted: what it reads is a code of the alphabet or a QR secret.
		if p := voting.PlainCode(s); len(p) == voting.ShortLen && strings.Trim(p, voting.ShortAlphabet) != "" {
			t.Fatalf("ParseCode(%q) reads %q", s, p)
		}
	})
}
