package account

import (
	"testing"

	"maeul"
)

func TestRoles(t *testing.T) {
	dong := &User{Role: RoleDong, District: "마포구", Dong: "성산1동"}
	district := &User{Role: RoleDistrict, District: "마포구"}
	city := &User{Role: RoleCity}
	for _, c := range []struct {
		name           string
		u              *User
		district, dong string
		read, manage   bool
	}{
		{"dong host, own dong", dong, "마포구", "성산1동", true, true},
		{"dong host, other dong", dong, "마포구", "망원1동", false, false},
		{"dong host, same dong name in another district", dong, "서대문구", "성산1동", false, false},
		{"district host, its dong", district, "마포구", "망원1동", true, false},
		{"district host, other district", district, "종로구", "청운효자동", false, false},
		{"city host", city, "종로구", "청운효자동", true, false},
		{"resident", nil, "마포구", "성산1동", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.u.CanRead(c.district, c.dong); got != c.read {
				t.Errorf("CanRead = %v", got)
			}
			if got := c.u.CanManage(c.district, c.dong); got != c.manage {
				t.Errorf("CanManage = %v", got)
			}
		})
	}
}

func TestNewUserValidate(t *testing.T) {
	for _, c := range []struct {
		name  string
		n     NewUser
		field string
	}{
		{"good dong host", NewUser{Email: " Host@Mapo.kr ", Password: "long enough!", Role: RoleDong, District: "마포구", Dong: "성산1동"}, ""},
		{"bad email", NewUser{Email: "nope", Password: "long enough!", Role: RoleCity}, "email"},
		{"short password", NewUser{Email: "a@b.kr", Password: "short", Role: RoleCity}, "password"},
		{"dong host without dong", NewUser{Email: "a@b.kr", Password: "long enough!", Role: RoleDong, District: "마포구"}, "dong"},
		{"district host without district", NewUser{Email: "a@b.kr", Password: "long enough!", Role: RoleDistrict}, "district"},
		{"unknown role", NewUser{Email: "a@b.kr", Password: "long enough!", Role: "mayor"}, "role"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.n.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.n.Email != "host@mapo.kr" {
					t.Fatalf("email not normalised: %q", c.n.Email)
				}
				return
			}
			e, ok := err.(*maeul.Error)
			if !ok || e.Field != c.field {
				t.Fatalf("got %v, want an error on field %q", err, c.field)
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "/host",
		"/host/assemblies/1":   "/host/assemblies/1",
		"//evil.example":       "/host",
		"https://evil.example": "/host",
		"/\\evil.example":      "/host",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
