package assembly

import (
	"testing"
	"time"

	"maeul/format"
)

func TestRomanize(t *testing.T) {
	for in, want := range map[string]string{
		// Seoul's dongs as their signs write them.
		"성산1": "seongsan1", "망원2": "mangwon2", "연희": "yeonhui", "신림": "sillim", "종로": "jongno",
		"왕십리": "wangsimni", "일원": "irwon", "공릉": "gongneung", "합정": "hapjeong", "상암": "sangam",
		"길음": "gireum", "역삼1": "yeoksam1", "북가좌1": "bukgajwa1", "신월3": "sinwol3", "답십리": "dapsimni",
		"선릉": "seolleung", "청룡": "cheongnyong", "정릉": "jeongneung", "갈월": "garwol", "홍은": "hongeun",
		"불광": "bulgwang", "압구정": "apgujeong", "대치": "daechi", "목": "mok", "쌍문": "ssangmun",
		"독립문": "dongnimmun", "백마": "baengma", "의주": "uiju", "좋고": "joko", "읽어": "ilgeo", "서교": "seogyo",
	} {
		if got := Romanize(in); got != want {
			t.Errorf("Romanize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDongSlugBase(t *testing.T) {
	day := time.Date(2027, 5, 20, 14, 0, 0, 0, format.Seoul)
	for in, want := range map[string]string{
		"성산1동": "seongsan1-2027", "망원2동": "mangwon2-2027", "연희동": "yeonhui-2027",
		"종로1·2·3·4가동": "jongno1-2-3-4ga-2027", " 합정동 ": "hapjeong-2027", "동": "",
	} {
		if got := DongSlugBase(in, day); got != want {
			t.Errorf("DongSlugBase(%q) = %q, want %q", in, got, want)
		}
	}
	// New Year's Eve in Seoul is already the next year in UTC+9 terms: the
	// year is Seoul's.
	eve := time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC) // 2027-01-01 01:00 in Seoul
	if got := DongSlugBase("성산1동", eve); got != "seongsan1-2027" {
		t.Errorf("the year is not Seoul's: %q", got)
	}
	if !slugRe.MatchString(DongSlugBase("종로1·2·3·4가동", day)) {
		t.Error("a dong slug does not pass the slug rule")
	}
}
