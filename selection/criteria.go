package selection

// Item is one row of 서식 2-1's 운영계획 page, which is also one sub-item of the
// plan's 심사기준 평가항목(안): three criteria, ten sub-items.
type Item struct {
	Key       string // as stored
	Criterion string // criterion key: participation | procedure | support
	Label     string // the seed's row label on 서식 2-1
	Criteria  string // the sub-item as the 심사기준 names it
	Hint      string // the form's ※ note
}

// Criteria of the 심사기준, in the seed's order.
const (
	CritParticipation = "participation" // 주민참여활성화
	CritProcedure     = "procedure"     // 동회의 운영절차
	CritSupport       = "support"       // 행정지원 및 민관협력
)

// CriterionLabels are the criteria as the seed writes them: 서식 2-1's 구분
// column and the 심사기준's 구분.
var CriterionLabels = map[string]string{
	CritParticipation: "주민참여 활성화",
	CritProcedure:     "동회의 운영절차",
	CritSupport:       "행정지원 및 민관협력",
}

// Criteria is the criteria in order.
var Criteria = []string{CritParticipation, CritProcedure, CritSupport}

// Items are the ten rows of the 운영계획 (역할별 작성), labels verbatim from the
// seed's 서식 2-1.
var Items = []Item{
	{"fidelity", CritParticipation, "동회의 운영의 충실성", "지역회의 운영의 충실성", "동회의 구성요건 유지 방안을 적어주세요."},
	{"awareness", CritParticipation, "주민인식 제고 및 참여 확대", "주민인식 제고 및 참여 확대", "주민 홍보계획 수립 여부, 지역주민모임과 연계방안을 적어주세요."},
	{"capacity", CritParticipation, "주민 역량강화 방안", "주민 역량강화 방안", "참여예산교육 여부, 지역자원조사 진행 여부를 적어주세요."},
	{"procedure", CritProcedure, "지역회의 운영절차 전반", "지역회의 운영절차 전반", "지역회의 운영방안, 운영절차 마련 여부를 적어주세요."},
	{"deliberation", CritProcedure, "주민의견 숙의과정", "주민의견 숙의과정", "주민제안사업 마련을 위한 토의 과정 마련 여부를 적어주세요."},
	{"review", CritProcedure, "주민제안사업 검토절차", "주민제안사업 검토절차", "심사기준 마련여부 및 주민제안사업 검토방법 등을 적어주세요."},
	{"final", CritProcedure, "최종 사업선정 방식", "최종 사업선정 방식", "사업 선정시 많은 주민들이 참여할 수 있도록 어떤 방식 사용하실지 적어주세요."},
	{"partnership", CritSupport, "민관 파트너십", "민관 파트너십", "민관이 협력하기 위한 구체적인 계획을 적어주세요."},
	{"funding", CritSupport, "운영비 확보", "운영비 확보", "지역회의 운영을 위한 소요비용을 간단히 적어주세요.(예 : 회의비, 간담회 등) 지역회의 운영을 위한 소요비용을 지원해 주실 수 있는지 적어주세요."},
	{"support", CritSupport, "기타 행정 지원", "기타 행정 지원", "공간/인력지원 등 행정지원방안 여부 등 구체성이 나타나도록 작성해 주세요."},
}

// MaxPoints is the most a member may give one sub-item. The seed's 심사기준
// 평가항목(안) names the criteria and sub-items but no points; ten sub-items
// of 10 make a score out of 100.
const MaxPoints = 10

// MaxScore is a member's highest total.
const MaxScore = MaxPoints * 10

func itemByKey(k string) (Item, bool) {
	for _, it := range Items {
		if it.Key == k {
			return it, true
		}
	}
	return Item{}, false
}

// Quota groups (운영규모: 찾동 1단계 4개 자치구 5개동 이내(20개동), 2단계 13개
// 자치구 4개동(52개동), 그 외 8개 자치구 1개동 — 80 dongs).
const (
	GroupStage1 = "stage1"
	GroupStage2 = "stage2"
	GroupOther  = "other"
)

// Group is a quota group: how many districts it holds and how many dongs
// each may select.
type Group struct {
	Key       string
	Label     string
	Districts int
	Quota     int
	UpTo      bool // "5개동 이내": at most Quota
}

// Groups are the plan's three.
var Groups = []Group{
	{GroupStage1, "찾동 1단계", 4, 5, true},
	{GroupStage2, "찾동 2단계", 13, 4, false},
	{GroupOther, "그 외", 8, 1, false},
}

// PlannedDongs is the plan's number of dongs (80개 동 × 30백만원).
const PlannedDongs = 80

// GroupByKey returns the group or false.
func GroupByKey(k string) (Group, bool) {
	for _, g := range Groups {
		if g.Key == k {
			return g, true
		}
	}
	return Group{}, false
}

// Committee member roles (심의위원 구성: 10명 이내; 행정은 참여예산, 마을, 자치 업무관련
// 부서장 포함; 민간은 참여예산위원 포함, 구성 전일 경우 자율 구성).
const (
	SectorAdmin = "admin"
	SectorCivil = "civil"

	RoleBudgetHead   = "budget_head"   // 참여예산 부서장 (예산과장)
	RoleVillageHead  = "village_head"  // 마을 부서장 (마을과장)
	RoleAutonomyHead = "autonomy_head" // 자치 부서장 (자치과장)
	RolePBMember     = "pb_member"     // 참여예산위원
	RoleOther        = "other"

	MaxMembers = 10
)
