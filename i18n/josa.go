package i18n

import (
	"strings"
	"unicode/utf8"
)

// Korean particles change with the word before them: 3은, 2는; 1이, 4가.
// A message that puts a number or a name before a particle writes both
// forms, "%d은(는)", and T (in Korean) keeps the one the word takes:
// "1은", "2는". Particle does the same for a word in Go code or a template.

// pairs are the particle pairs: the form after a final consonant first.
var pairs = [][2]string{{"은", "는"}, {"이", "가"}, {"을", "를"}, {"과", "와"}}

// Particle returns word followed by the right form of the pair given as
// either form or "은/는": Particle("3", "은") = "3은", Particle("2", "은/는")
// = "2는", Particle("마포구", "이") = "마포구가".
func Particle(word, pair string) string {
	for _, p := range pairs {
		if pair == p[0] || pair == p[1] || pair == p[0]+"/"+p[1] || pair == p[0]+"("+p[1]+")" {
			if final, known := hasFinal(word); known && !final {
				return word + p[1]
			} else if known {
				return word + p[0]
			}
			return word + p[0] + "(" + p[1] + ")"
		}
	}
	return word + pair
}

// hasFinal reports whether word, read aloud in Korean, ends in a final
// consonant (받침), and whether that is known. A Hangul syllable says so
// itself; a digit is read 영 일 이 삼 사 오 육 칠 팔 구; a Latin letter as
// its English name (L, M, N, R end in a consonant sound).
func hasFinal(word string) (final, known bool) {
	word = strings.TrimRight(word, " )]\"'”’")
	r, _ := utf8.DecodeLastRuneInString(word)
	switch {
	case r >= 0xAC00 && r <= 0xD7A3:
		return (r-0xAC00)%28 != 0, true
	case r >= '0' && r <= '9':
		return strings.ContainsRune("013678", r), true
	case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		return strings.ContainsRune("lmnrLMNR", r), true
	}
	return false, false
}

// resolveParticles rewrites every "은(는)", "이(가)", "을(를)", "과(와)" of
// a Korean text to the form the word before it takes.
func resolveParticles(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	for _, p := range pairs {
		both := p[0] + "(" + p[1] + ")"
		for {
			i := strings.Index(s, both)
			if i <= 0 {
				break
			}
			final, known := hasFinal(s[:i])
			if !known {
				break
			}
			form := p[1]
			if final {
				form = p[0]
			}
			s = s[:i] + form + s[i+len(both):]
		}
	}
	return s
}
