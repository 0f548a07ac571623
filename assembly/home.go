package assembly

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// PublicAssemblies returns the assemblies residents may read (published or
// later, rehearsal copies left out), newest first, at most limit of them.
func PublicAssemblies(ctx context.Context, q Querier, limit int) ([]Assembly, error) {
	rows, _ := q.Query(ctx, `SELECT `+assemblyColumns+` FROM assemblies
		WHERE state <> 'draft' AND rehearsal_of IS NULL
		ORDER BY starts_at DESC, id DESC LIMIT $1`, limit)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Assembly])
}

// homePage lists the public assemblies.
type homePage struct {
	web.Page
	Assemblies []homeAssembly
	LoggedIn   bool
}

type homeAssembly struct {
	Assembly
	When string
}

func (s *Service) home(c *fiber.Ctx) error {
	list, err := PublicAssemblies(c.UserContext(), s.Env.Pool, 100)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := homePage{Page: web.NewPage(c, i18n.T(lang, "home.title")), LoggedIn: account.CurrentUser(c) != nil}
	for _, a := range list {
		p.Assemblies = append(p.Assemblies, homeAssembly{Assembly: a, When: timeRange(lang, a.StartsAt, a.EndsAt)})
	}
	return s.Env.Views.Render(c, "assembly/home", p)
}
