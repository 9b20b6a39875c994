//go:build !noserver

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/user"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/server"
	"github.com/sovmap/sovmap/store"
)

// `sovmap admin` sets up a server's database without its pages, for
// automated deployments: the first administrator, members and API tokens,
// as Gitea's `admin user create` and `generate-access-token` do. Each
// command opens the database as serve does (creating and migrating it) and
// writes what it did to the audit log.

// examplePassword passes the password policy; the examples pipe it in.
const examplePassword = "plinth cobalt marmot upriver"

func newAdminCmd(a *app) *cobra.Command {
	admin := &cobra.Command{
		Use:   "admin",
		Short: "Set up a server's database from the command line: users, members, API tokens",
		Long: `admin sets up the database of sovmap serve without its web pages, for
automated deployments: the first site administrator with a chosen password,
workspace members, and API tokens for CI. --db names the database as for
serve (an SQLite file, created if missing, or a postgres:// URL); each command
migrates it as serve's first start does and records what it did in the audit
log. The server may be running. See docs/server.md "Automated deployment".`,
	}
	user := &cobra.Command{Use: "user", Short: "Create users"}
	user.AddCommand(newAdminUserCreateCmd(a))
	member := &cobra.Command{Use: "member", Short: "Give users a role in a workspace"}
	member.AddCommand(newAdminMemberSetCmd(a))
	token := &cobra.Command{Use: "token", Short: "Create API tokens"}
	token.AddCommand(newAdminTokenCreateCmd(a))
	admin.AddCommand(user, member, token)
	return admin
}

// adminTarget holds the flags the admin commands share: the database, the
// user a change is for and, for members and tokens, the workspace and role.
// Each command words the usage of --login, --workspace and --role for what
// it does, so the usages are arguments.
type adminTarget struct {
	db, login, workspace, role string
}

// declare declares --db and the required --login.
func (t *adminTarget) declare(cmd *cobra.Command, loginUsage string) {
	f := cmd.Flags()
	f.StringVar(&t.db, "db", "sovmap.db", "SQLite file, or a postgres:// URL (as for serve)")
	f.StringVar(&t.login, "login", "", loginUsage)
	_ = cmd.MarkFlagRequired("login")
}

// declareMembership declares what declare does and the required --workspace
// and --role; roles are the values --role completes to, in that order.
func (t *adminTarget) declareMembership(cmd *cobra.Command, loginUsage, workspaceUsage, roleUsage string, roles ...string) {
	t.declare(cmd, loginUsage)
	f := cmd.Flags()
	f.StringVar(&t.workspace, "workspace", "", workspaceUsage)
	f.StringVar(&t.role, "role", "", roleUsage)
	for _, name := range []string{"workspace", "role"} {
		_ = cmd.MarkFlagRequired(name)
	}
	_ = cmd.RegisterFlagCompletionFunc("role", cobra.FixedCompletions(roles, cobra.ShellCompDirectiveNoFileComp))
}

func newAdminUserCreateCmd(a *app) *cobra.Command {
	var t adminTarget
	var name string
	var siteAdmin, fromStdin, mustChange bool
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a user with a password read from standard input",
		Long: `create makes a user whose password is read from standard input (one
trailing line ending is removed), never from the command line, where other
users of the machine could read it. The password must pass the policy of the
password page: 12 characters or more, not the login or the name, and not
easy to guess.

The first user of a database must be a site administrator (--site-admin);
they get what serve's first start gives its "admin": the "default"
workspace, which they administer, and serve then prints no one-time
password. Users after the first must choose a new password at their first
sign-in unless --must-change-password=false.

Exit status: 0 created, 1 refused by the database's content (the login is
taken, or a first user who is not a site administrator), 2 a usage mistake
or a password the policy refuses.`,
		Example: `  echo '` + examplePassword + `' | sovmap admin user create --db sovmap.db --login ops --site-admin --password-stdin
  echo '` + examplePassword + ` two' | sovmap admin user create --db sovmap.db --login ci-bot --name "CI robot" --password-stdin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !fromStdin {
				return errors.New("--password-stdin is required: a password is read from standard input, never from the command line")
			}
			password, err := readPassword(a.stdin)
			if err != nil {
				return err
			}
			nu := server.NewUser{Login: t.login, Name: name, Password: password, SiteAdmin: siteAdmin}
			if cmd.Flags().Changed("must-change-password") {
				nu.MustChangePassword = &mustChange
			}
			return withStore(cmd.Context(), t.db, func(st store.Store) error {
				u, err := server.CreateUser(cmd.Context(), st, nu, cliActor(cmd), nil)
				if err != nil {
					return err
				}
				var what []string
				if u.SiteAdmin {
					what = append(what, "site administrator")
				}
				if u.MustChangePassword {
					what = append(what, "to choose a new password at the first sign-in")
				}
				fmt.Fprintf(a.stdout, "Created user %q", u.Login)
				if len(what) > 0 {
					fmt.Fprintf(a.stdout, " (%s)", strings.Join(what, "; "))
				}
				fmt.Fprintln(a.stdout)
				return nil
			})
		},
	}
	t.declare(cmd, "login `NAME` (letters, digits and . _ @ -; required)")
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the user's full `NAME`")
	f.BoolVar(&siteAdmin, "site-admin", false, "make them a site administrator: they create users and workspaces and administer every workspace")
	f.BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input (required)")
	f.BoolVar(&mustChange, "must-change-password", false, "ask for a new password at the first sign-in (default: for every user but the first)")
	return cmd
}

func newAdminMemberSetCmd(a *app) *cobra.Command {
	var t adminTarget
	cmd := &cobra.Command{
		Use:   "set",
		Short: "Give a user a role in a workspace, or remove them from it",
		Long: `set gives a user a role in a workspace (viewer, editor or admin), or removes
them from it (none), as an administrator does on the workspace's settings
page. Site administrators are admins of every workspace without it.

Exit status: 0 done, 1 no such user or workspace, 2 a usage mistake.`,
		Example: `  echo '` + examplePassword + `' | sovmap admin user create --db sovmap.db --login ops --site-admin --password-stdin
  echo '` + examplePassword + ` two' | sovmap admin user create --db sovmap.db --login ci-bot --password-stdin
  sovmap admin member set --db sovmap.db --login ci-bot --workspace default --role editor`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if t.role != "none" && !store.Role(t.role).Valid() {
				return fmt.Errorf("--role must be viewer, editor, admin or none, not %q", t.role)
			}
			return withStore(cmd.Context(), t.db, func(st store.Store) error {
				if err := server.SetMember(cmd.Context(), st, t.login, t.workspace, store.Role(t.role), cliActor(cmd)); err != nil {
					return err
				}
				if t.role == "none" {
					fmt.Fprintf(a.stdout, "%s is no longer a member of %s\n", t.login, t.workspace)
				} else {
					fmt.Fprintf(a.stdout, "%s is now %s in %s\n", t.login, t.role, t.workspace)
				}
				return nil
			})
		},
	}
	t.declareMembership(cmd, "login `NAME` of the user (required)",
		"workspace `SLUG`, e.g. default (required)",
		"viewer, editor, admin, or none to remove them (required)",
		"viewer", "editor", "admin", "none")
	return cmd
}

func newAdminTokenCreateCmd(a *app) *cobra.Command {
	var t adminTarget
	var name string
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an API token and print it on standard output",
		Long: `create makes an API token of a user in a workspace and prints it on standard
output, and nothing else, so that a script can keep it (it is not shown
again; only its hash is stored). A viewer token reads, an editor token also
uploads and runs the CI gate, an admin token also reads the workspace's audit
log through the API.

Like Gitea's generate-access-token it grants nothing: a token never carries
more than its user's role in the workspace, so one asked above that role is
refused; give the role first (sovmap admin member set). Site administrators
are admins of every workspace.

Exit status: 0 created, 1 no such user or workspace, or a role the user does
not have, 2 a usage mistake.`,
		Example: `  echo '` + examplePassword + `' | sovmap admin user create --db sovmap.db --login ops --site-admin --password-stdin
  sovmap admin token create --db sovmap.db --login ops --workspace default --role editor --name ci > ci-token.txt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !store.Role(t.role).Valid() {
				return fmt.Errorf("--role must be viewer, editor or admin, not %q", t.role)
			}
			return withStore(cmd.Context(), t.db, func(st store.Store) error {
				secret, err := server.CreateToken(cmd.Context(), st, t.login, t.workspace, name, store.Role(t.role), cliActor(cmd))
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, secret)
				return nil
			})
		},
	}
	t.declareMembership(cmd, "login `NAME` of the token's user (required)",
		"workspace `SLUG` the token is for, e.g. default (required)",
		"viewer, editor or admin (required)",
		"viewer", "editor", "admin")
	cmd.Flags().StringVar(&name, "name", "cli", "`LABEL` of the token on the settings page and in the audit log")
	return cmd
}

// withStore opens the database named by --db, runs fn and closes it. What
// the database's content refuses (an unknown user or workspace, a taken
// login, a role the user lacks) exits 1; usage mistakes and bad input 2.
func withStore(ctx context.Context, db string, fn func(store.Store) error) error {
	st, _, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	err = fn(st)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) || errors.Is(err, server.ErrRefused) {
		return &exitError{code: 1, err: err}
	}
	return err
}

// maxPasswordInput bounds what is read from standard input: the policy
// refuses passwords longer than 1024 bytes anyway.
const maxPasswordInput = 4096

// readPassword reads a password from r, without one trailing line ending
// (echo and most secret files add one).
func readPassword(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxPasswordInput+1))
	if err != nil {
		return "", fmt.Errorf("reading the password from standard input: %w", err)
	}
	if len(b) > maxPasswordInput {
		return "", fmt.Errorf("standard input has more than %d bytes; it must hold the password alone", maxPasswordInput)
	}
	s := string(b)
	if t, ok := strings.CutSuffix(s, "\r\n"); ok {
		s = t
	} else {
		s = strings.TrimSuffix(s, "\n")
	}
	if s == "" {
		return "", errors.New("no password on standard input")
	}
	return s, nil
}

// cliActor names, in the audit log, the command and the operating-system
// user who ran it: there is no signed-in user to name.
func cliActor(cmd *cobra.Command) string {
	actor := "cli (" + cmd.CommandPath()
	if u, err := user.Current(); err == nil {
		actor += ", OS user " + u.Username
	}
	return actor + ")"
}
