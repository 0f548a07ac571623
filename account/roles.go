package account

import "maeul"

// Roles.
const (
	RoleCity     = "city"
	RoleDistrict = "district"
	RoleDong     = "dong"
	// RoleDepartment is a district's department (자치구 사업부서): it reviews
	// and carries out the agendas that name it (District and Department set).
	RoleDepartment = "department"
	// RoleFinance is the city's 재정관리담당관, to whom approved lists go.
	RoleFinance = "finance"
	// RoleMonitor is a district's monitoring team (모니터링단).
	RoleMonitor = "monitor"
)

// Roles are every role, in the order the CLI lists them.
var Roles = []string{RoleCity, RoleDistrict, RoleDong, RoleDepartment, RoleFinance, RoleMonitor}

// CanManage reports whether u may change an assembly of the given dong:
// only that dong's hosts may (a district-wide vote: that district's).
func (u *User) CanManage(district, dong string) bool {
	if u != nil && u.Role == RoleDistrict && dong == DistrictWide {
		return u.District == district // a district-wide vote is its district's
	}
	return u != nil && u.Role == RoleDong && u.District == district && u.Dong == dong
}

// DistrictWide is the dong of a district-wide vote (the district plan type's
// residents' vote on its projects), which that district's hosts run.
const DistrictWide = "구 전체"

// CanRead reports whether u may read (host views of) an assembly of the
// given dong: its dong hosts, its district's hosts, and the city.
func (u *User) CanRead(district, dong string) bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case RoleCity:
		return true
	case RoleDistrict:
		return u.District == district
	case RoleDong:
		return u.District == district && u.Dong == dong
	}
	return false
}

// SeoulDistricts are Seoul's 25 autonomous districts (자치구).
var SeoulDistricts = []string{"종로구", "중구", "용산구", "성동구", "광진구", "동대문구", "중랑구", "성북구",
	"강북구", "도봉구", "노원구", "은평구", "서대문구", "마포구", "양천구", "강서구", "구로구", "금천구",
	"영등포구", "동작구", "관악구", "서초구", "강남구", "송파구", "강동구"}

// IsSeoulDistrict reports whether name is one of SeoulDistricts.
func IsSeoulDistrict(name string) bool {
	for _, d := range SeoulDistricts {
		if d == name {
			return true
		}
	}
	return false
}

// Forbid returns the error for a host who may not touch an assembly.
func Forbid() error { return maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden") }
