package assembly

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"maeul/format"
)

// Assembly addresses are read aloud, typed from a notice and printed on
// cards: they are the dong's name in Revised Romanization and the year of
// the assembly (성산1동, 2027 → seongsan1-2027), with -2, -3 … when a dong
// holds more than one in a year. Never random letters.

// The jamo of a Hangul syllable (U+AC00 + (initial×21 + medial)×28 + final)
// as Revised Romanization writes them.
var (
	rrInitial = [19]string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	rrMedial  = [21]string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	// rrFinal is how a final sounds before a pause or another consonant:
	// one of k, n, t, l, m, p, ng.
	rrFinal = [28]string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}
	// rrCarry is, for a final followed by a silent ㅇ, what stays (as a
	// sound) and which initial (an index of rrInitial, -1 none) moves to
	// the next syllable: 일원 → i-rwon, 길음 → gi-reum, 읽어 → il-geo.
	rrCarry = [28]struct {
		stay string
		move int
	}{
		{"", -1}, {"", 0}, {"", 1}, {"k", 9}, {"", 2}, {"n", 12}, {"", 2}, {"", 3}, {"", 5}, {"l", 0},
		{"l", 6}, {"l", 7}, {"l", 9}, {"l", 16}, {"l", 17}, {"", 5}, {"", 6}, {"", 7}, {"p", 10}, {"", 9},
		{"", 10}, {"ng", 11}, {"", 12}, {"", 14}, {"", 15}, {"", 16}, {"", 17}, {"", -1},
	}
)

// Initials that matter to the sound changes.
const (
	iniN      = 2  // ㄴ
	iniR      = 5  // ㄹ
	iniM      = 6  // ㅁ
	iniSilent = 11 // ㅇ
	iniH      = 18 // ㅎ
	finH      = 27 // ㅎ
)

type syllable struct {
	hangul     bool
	other      rune
	ini, med   int
	fin        int
	iniR, finR string
}

// Romanize writes Korean in Revised Romanization (국어의 로마자 표기법),
// lower case, with the sound changes the rules spell out between
// syllables: liaison (일원 irwon), nasalisation (공릉 gongneung, 왕십리
// wangsimni, 독립 dongnip), ㄹ after ㄴ or ㄹ (신림 sillim, 선릉 seolleung),
// and ㅎ before ㄱ, ㄷ, ㅈ (좋고 joko). Aspiration after ㄱ, ㄷ, ㅂ is not
// written in nouns (묵호 Mukho), as the rules say. Anything that is not
// Hangul is kept as it is.
func Romanize(s string) string {
	var ss []syllable
	for _, r := range s {
		if r >= 0xAC00 && r <= 0xD7A3 {
			n := int(r - 0xAC00)
			x := syllable{hangul: true, ini: n / (21 * 28), med: n / 28 % 21, fin: n % 28}
			x.iniR, x.finR = rrInitial[x.ini], rrFinal[x.fin]
			ss = append(ss, x)
			continue
		}
		ss = append(ss, syllable{other: r})
	}
	for i := 0; i+1 < len(ss); i++ {
		a, b := &ss[i], &ss[i+1]
		if !a.hangul || !b.hangul || a.fin == 0 {
			continue
		}
		switch {
		case b.ini == iniSilent:
			c := rrCarry[a.fin]
			a.finR = c.stay
			if c.move >= 0 {
				b.iniR = rrInitial[c.move]
			}
		case a.fin == finH && (b.ini == 0 || b.ini == 3 || b.ini == 12):
			a.finR = ""
			b.iniR = map[int]string{0: "k", 3: "t", 12: "ch"}[b.ini]
		case b.ini == iniR:
			switch a.finR {
			case "l", "n":
				a.finR, b.iniR = "l", "l"
			case "m", "ng":
				b.iniR = "n"
			case "k":
				a.finR, b.iniR = "ng", "n"
			case "p":
				a.finR, b.iniR = "m", "n"
			case "t":
				a.finR, b.iniR = "n", "n"
			}
		case b.ini == iniN || b.ini == iniM:
			switch {
			case a.finR == "l" && b.ini == iniN:
				b.iniR = "l"
			case a.finR == "k":
				a.finR = "ng"
			case a.finR == "t":
				a.finR = "n"
			case a.finR == "p":
				a.finR = "m"
			}
		}
	}
	var out strings.Builder
	for _, x := range ss {
		if !x.hangul {
			out.WriteRune(x.other)
			continue
		}
		out.WriteString(x.iniR)
		out.WriteString(rrMedial[x.med])
		out.WriteString(x.finR)
	}
	return strings.ToLower(out.String())
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// DongSlugBase is the address of a dong's assembly in a year before any
// -2: the dong without its trailing 동, romanised, then the year in Seoul
// (성산1동, 2027 → seongsan1-2027; 종로1·2·3·4가동 → jongno1-2-3-4ga-2027).
// "" when the name has nothing to write.
func DongSlugBase(dong string, starts time.Time) string {
	name := strings.TrimSpace(dong)
	name = strings.TrimSuffix(name, "동")
	base := strings.Trim(notSlug.ReplaceAllString(Romanize(name), "-"), "-")
	if base == "" {
		return ""
	}
	if len(base) > 50 {
		base = strings.Trim(base[:50], "-")
	}
	year := time.Now().In(format.Seoul).Year()
	if !starts.IsZero() {
		year = starts.In(format.Seoul).Year()
	}
	return base + "-" + strconv.Itoa(year)
}

// dongSlug returns the first free address of the dong's assembly in the
// year: base, then base-2, base-3 … A name with nothing to romanise falls
// back to the year and random letters. A race with another creation is
// caught by the slug's UNIQUE constraint and retried by the caller.
func dongSlug(ctx context.Context, q Querier, dong string, starts time.Time) string {
	base := DongSlugBase(dong, starts)
	if base == "" {
		return newSlug(starts)
	}
	rows, err := q.Query(ctx, `SELECT slug FROM assemblies WHERE slug = $1 OR slug ~ ('^' || $1 || '-[0-9]+$')`, base)
	if err != nil {
		return newSlug(starts) // the insert reports what went wrong
	}
	taken := map[string]bool{}
	for rows.Next() {
		var s string
		if rows.Scan(&s) == nil {
			taken[s] = true
		}
	}
	rows.Close()
	if !taken[base] {
		return base
	}
	for n := 2; ; n++ {
		if s := base + "-" + strconv.Itoa(n); !taken[s] {
			return s
		}
	}
}
