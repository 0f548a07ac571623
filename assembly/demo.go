package assembly

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
)

// The demo dong.
const (
	DemoDistrict = "마포구"
	DemoDong     = "성산1동"
	DemoSlug     = "demo-seongsan1"
)

// SeedDemo makes sure a demo assembly of the demo dong exists whose vote
// has not ended, with its agendas, published, and returns it. Running it
// again returns the same one, in whatever state it is; once its vote has
// closed, the next start seeds a new round (demo-seongsan1-2, -3, …) so the
// tour can be taken again while the finished round keeps its results.
func SeedDemo(ctx context.Context, s *Service, host *account.User) (*Assembly, error) {
	for round := 1; round < 1000; round++ {
		slug := DemoSlug
		if round > 1 {
			slug = fmt.Sprintf("%s-%d", DemoSlug, round)
		}
		a, err := FindAssemblyBySlug(ctx, s.pool, slug)
		if maeul.ErrorCode(err) == maeul.ENOTFOUND {
			return seedDemo(ctx, s, host, slug)
		}
		if err != nil || (a.State != StateClosed && a.State != StateAnnounced) {
			return a, err
		}
	}
	return nil, fmt.Errorf("too many demo rounds")
}

func seedDemo(ctx context.Context, s *Service, host *account.User, slug string) (*Assembly, error) {
	at := func(month, day, hour int) time.Time {
		return time.Date(2027, time.Month(month), day, hour, 0, 0, 0, seoul)
	}
	from, until := at(7, 8, 9), at(7, 15, 14)
	in := AssemblyInput{Slug: slug, District: DemoDistrict, Dong: DemoDong, Title: "2027 성산1동 마을총회",
		Place: "성산1동 주민센터 3층 강당, 성미산 마을극장", StartsAt: at(7, 15, 14), EndsAt: at(7, 15, 17),
		BudgetCap: 30_000_000, Method: MethodApproval, MaxChoices: 3, OnlineFrom: &from, OnlineUntil: &until,
		Sealed: true, TieBreak: TieBreakCostAsc}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var by *int64
	if host != nil {
		by = &host.ID
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := createAssembly(ctx, tx, in, by)
		if err != nil {
			return err
		}
		id = a.ID
		for _, g := range demoAgendas {
			if err := g.Validate(); err != nil {
				return err
			}
			if _, err := insertAgenda(ctx, tx, a.ID, g); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE assemblies SET state = 'published', updated_at = now() WHERE id = $1`, a.ID)
		return err
	})
	if maeul.ErrorCode(err) == maeul.ECONFLICT {
		// Another start seeded it at the same moment.
		return FindAssemblyBySlug(ctx, s.pool, slug)
	}
	if err != nil {
		return nil, wrap("seed demo", err)
	}
	s.OnChange(id)
	return FindAssembly(ctx, s.pool, id)
}

// demoAgendas are modelled on the 서식 2-5 example of the source plan; their
// costs add up to 55,000,000원, more than the 30,000,000원 cap, as in a
// real assembly.
var demoAgendas = []AgendaInput{
	{
		Title:    "주민과 상인, 우리 지금 만나!",
		Summary:  "축산물시장 인근 환경개선을 위한 주민·상인 소통모임 운영과 골목 환경 정비",
		Location: "축산물시장 인근 상가", Cost: 5_000_000, CurrentSubsidy: 2_000_000, CapitalSubsidy: 3_000_000,
		DistrictDepartment: "마을과/지역경제과", CityDepartment: "지역공동체담당관",
		Subcommittee: "상권·소통분과", Proposer: "성산1동 상인회와 주민 모임", ExecutionType: ExecPublicPrivate,
		DraftingRound: 3,
		Purpose:       "시장 주변 소음·악취·쓰레기 문제를 주민과 상인이 함께 이야기하고 해결 방법을 찾는다.",
		Period:        "2028년 3월 ~ 11월", Executor: "성산1동 동회의 상권·소통분과",
		Approach:       "월 1회 주민·상인 소통모임, 골목 청소의 날(분기 1회), 상가 앞 화분·안내판 설치",
		RelatedParties: "마포구 지역경제과, 축산물시장 상인회, 성산1동 주민센터",
		FuturePlan:     "소통모임을 상설 협의체로 바꾸고 2029년에는 상인회 자체 예산으로 이어 간다.",
		Remarks:        "상인회가 모임 장소를 무상 제공",
		ReviewResult:   "adequate", ReviewDepartment: "마포구 지역경제과",
		ReviewNotes: "법령 저촉 없음. 시장 환경 민원이 많아 시급성이 높고 수혜 범위가 넓음. 화분 설치 위치는 도로과와 협의 필요.",
	},
	{
		Title:    "성미산 어린이 숲놀이터 가꾸기",
		Summary:  "성미산 입구 유휴지에 자연 재료로 만든 어린이 숲놀이터를 주민이 함께 만들고 가꾼다.",
		Location: "성미산 입구 유휴부지", Cost: 9_000_000, CurrentSubsidy: 3_000_000, CapitalSubsidy: 6_000_000,
		DistrictDepartment: "공원녹지과", CityDepartment: "지역공동체담당관",
		Subcommittee: "환경·안전분과", Proposer: "성미산 공동육아 부모 모임", ExecutionType: ExecPublicPrivate,
		DraftingRound: 3,
		Purpose:       "아이들이 가까운 숲에서 안전하게 뛰어놀 공간을 만들고, 부모와 이웃이 함께 돌보는 문화를 만든다.",
		Period:        "2028년 4월 ~ 10월", Executor: "환경·안전분과, 공동육아 부모 모임",
		Approach:       "설계 워크숍 2회, 통나무·모래 놀이시설 설치, 월 1회 숲놀이 돌봄 봉사",
		RelatedParties: "마포구 공원녹지과, 성미산 마을숲 모임",
		FuturePlan:     "놀이터 관리 자원봉사단을 꾸려 해마다 시설을 점검한다.",
		Remarks:        "산림 훼손이 없도록 기존 지형 활용",
		ReviewResult:   "adequate", ReviewDepartment: "마포구 공원녹지과",
		ReviewNotes: "공원 부지 점용 허가 필요. 안전 인증 받은 시설물 사용 조건으로 적정.",
	},
	{
		Title:    "어르신 말벗 반찬 나눔",
		Summary:  "홀로 사는 어르신 댁을 주 1회 찾아가 반찬을 나누고 안부를 살핀다.",
		Location: "성산1동 일대 (홀몸 어르신 40가구)", Cost: 8_000_000, CurrentSubsidy: 8_000_000,
		DistrictDepartment: "복지정책과", CityDepartment: "지역공동체담당관",
		Subcommittee: "복지·돌봄분과", Proposer: "성산1동 통장협의회 주민", ExecutionType: ExecPrivate,
		DraftingRound: 2,
		Purpose:       "고립된 어르신의 끼니와 안부를 챙기고, 이웃이 서로 돌보는 관계를 만든다.",
		Period:        "2028년 3월 ~ 12월", Executor: "복지·돌봄분과 자원봉사자 20명",
		Approach:       "공유부엌에서 주 1회 반찬 조리, 2인 1조 방문, 방문 일지 작성",
		RelatedParties: "마포구 복지정책과, 성산1동 주민센터 찾아가는 동주민센터팀",
		FuturePlan:     "방문 일지로 위기 가구를 발견하면 주민센터와 연계한다.",
		Remarks:        "식재료 일부는 지역 상가 후원",
		ReviewResult:   "adequate", ReviewDepartment: "마포구 복지정책과",
		ReviewNotes: "기존 복지 사업과 중복 없음. 개인정보 보호 교육 이수 조건.",
	},
	{
		Title:    "골목길 안심 조명 설치",
		Summary:  "밤길이 어두운 골목 12곳에 태양광 안심 조명과 바닥 안내 표시를 설치한다.",
		Location: "성산1동 주택가 골목 12곳", Cost: 12_000_000, CapitalSubsidy: 12_000_000,
		DistrictDepartment: "안전총괄과/도로과", CityDepartment: "지역공동체담당관",
		Subcommittee: "환경·안전분과", Proposer: "성산1동 여성안심귀갓길 주민 모임", ExecutionType: ExecPublic,
		DraftingRound: 3,
		Purpose:       "늦은 시간 귀갓길의 불안을 줄이고 범죄를 예방한다.",
		Period:        "2028년 5월 ~ 8월", Executor: "마포구 안전총괄과 (주민 모임이 위치 선정)",
		Approach:       "주민 야간 현장조사로 위치 선정, 구청 발주로 설치, 설치 후 만족도 조사",
		RelatedParties: "마포구 안전총괄과, 도로과, 마포경찰서 성산지구대",
		FuturePlan:     "고장 신고는 주민 모임이 받아 구청에 전달한다.",
		Remarks:        "한전 전주 활용 여부 협의 중",
		ReviewResult:   "adequate", ReviewDepartment: "마포구 안전총괄과",
		ReviewNotes: "시급성 높음. 사유지 담장 설치 시 소유자 동의서 필요.",
	},
	{
		Title:    "마을 공유부엌 ‘함께 밥상’",
		Summary:  "주민센터 유휴 공간을 공유부엌으로 꾸며 공동 식사와 요리 모임을 연다.",
		Location: "성산1동 주민센터 2층 유휴 공간", Cost: 6_500_000, CurrentSubsidy: 3_500_000, CapitalSubsidy: 3_000_000,
		DistrictDepartment: "마을과", CityDepartment: "지역공동체담당관",
		Subcommittee: "복지·돌봄분과", Proposer: "1인 가구 주민 모임 ‘한솥’", ExecutionType: ExecPublicPrivate,
		DraftingRound: 3,
		Purpose:       "1인 가구와 이웃이 함께 밥을 먹으며 관계를 맺는 공간을 만든다.",
		Period:        "2028년 3월 ~ 12월", Executor: "공유부엌 운영위원회 (주민 7명)",
		Approach:       "조리 설비 설치, 주 2회 공동 밥상, 월 1회 요리 교실, 이용 규칙 주민 합의",
		RelatedParties: "마포구 마을과, 성산1동 주민센터",
		FuturePlan:     "이용료 일부로 재료비를 충당해 자립 운영한다.",
		Remarks:        "위생 교육 이수자만 조리",
		ReviewResult:   "adequate", ReviewDepartment: "마포구 마을과",
		ReviewNotes: "공간 사용 협약 필요. 화재 안전 설비 확인 조건.",
	},
	{
		Title:    "청소년 마을 방송국",
		Summary:  "청소년이 마을 소식을 취재해 영상과 팟캐스트로 만들어 알린다.",
		Location: "성미산 마을극장, 성산1동 일대", Cost: 4_500_000, CurrentSubsidy: 4_500_000,
		DistrictDepartment: "교육지원과", CityDepartment: "지역공동체담당관",
		Subcommittee: "교육·문화분과", Proposer: "성산1동 청소년 동아리 ‘마을 기자단’", ExecutionType: ExecPrivate,
		DraftingRound: 2,
		Purpose:       "청소년이 마을 일에 참여하고 세대 간 소통을 넓힌다.",
		Period:        "2028년 3월 ~ 12월", Executor: "교육·문화분과, 마을 기자단 청소년 15명",
		Approach:       "촬영 장비 대여, 미디어 교육 8회, 월 2편 마을 소식 제작·상영",
		RelatedParties: "마포구 교육지원과, 마포FM, 성미산학교",
		FuturePlan:     "제작물을 동 소식지와 마을총회 홍보에 활용한다.",
		Remarks:        "장비는 마을극장 보유 장비 우선 활용",
		ReviewResult:   "adequate", ReviewDepartment: "마포구 교육지원과",
		ReviewNotes: "초상권 동의 절차 마련 조건으로 적정.",
	},
	{
		Title:    "쓰레기 없는 거리, 분리배출 정거장",
		Summary:  "무단투기가 잦은 곳 5곳에 분리배출 정거장을 두고 주민 지킴이가 운영한다.",
		Location: "성산1동 무단투기 상습 지역 5곳", Cost: 7_000_000, CurrentSubsidy: 2_000_000, CapitalSubsidy: 5_000_000,
		DistrictDepartment: "청소행정과", CityDepartment: "지역공동체담당관",
		Subcommittee: "환경·안전분과", Proposer: "성산1동 환경 지킴이 주민", ExecutionType: ExecPublicPrivate,
		DraftingRound: 3,
		Purpose:       "무단투기를 줄이고 재활용률을 높인다.",
		Period:        "2028년 4월 ~ 12월", Executor: "환경 지킴이 주민 30명",
		Approach:       "정거장 5곳 설치, 배출일 저녁 지킴이 활동, 분리배출 교육 4회",
		RelatedParties: "마포구 청소행정과, 자원순환센터",
		FuturePlan:     "효과가 좋은 곳은 구 사업으로 넘겨 상설 운영한다.",
		Remarks:        "",
		ReviewResult:   "adequate", ReviewDepartment: "마포구 청소행정과",
		ReviewNotes: "설치 위치는 도로 점용 기준에 맞게 조정 필요.",
	},
	{
		Title:    "골목 책 쉼터",
		Summary:  "버스정류장과 공원 세 곳에 비와 햇볕을 막는 공유 책장을 두고 주민이 책을 채운다.",
		Location: "성산1동 버스정류장 1곳, 공원 2곳", Cost: 3_000_000, CurrentSubsidy: 1_000_000, CapitalSubsidy: 2_000_000,
		DistrictDepartment: "문화체육과", CityDepartment: "지역공동체담당관",
		Subcommittee: "교육·문화분과", Proposer: "성산1동 작은도서관 운영 주민", ExecutionType: ExecOther,
		DraftingRound: 1,
		Purpose:       "누구나 쉽게 책을 빌리고 나누는 골목 문화를 만든다.",
		Period:        "2028년 4월 ~ 6월", Executor: "작은도서관 자원봉사자",
		Approach:       "공유 책장 3개 제작·설치, 책 기증 행사, 월 1회 책장 정리",
		RelatedParties: "마포구 문화체육과, 마포중앙도서관",
		FuturePlan:     "책 쉼터 지도를 만들어 늘려 간다.",
		Remarks:        "책장은 주민 목공 모임이 제작",
		ReviewResult:   "inadequate", ReviewDepartment: "마포구 문화체육과",
		ReviewNotes: "정류장 설치는 교통 안전 기준 검토가 더 필요함. 공원 두 곳으로 줄이면 적정.",
	},
}
