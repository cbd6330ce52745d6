-- t-tls-route: sensitive mail to a domain whose rule is "tls, reject" passes and gets
-- X-Fortrolig-Route: tls-verify for Postfix's milter_header_checks, plus X-Fortrolig.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

t.main(function()
	local res = t.send{ from = t.member, rcpts = { "x@tls.example" }, body = "Hej\n\n" .. t.sensitive_text }
	t.expect_pass(res)
	t.expect_header_equals(res, "X-Fortrolig-Route", "tls-verify")
	t.expect_header_added(res, "X-Fortrolig", { "class=sensitive", "categories=cpr", "action=tls" })
	t.expect_header_lacks(res, "X-Fortrolig", "mode=monitor")
	t.expect_body_unchanged(res)
	t.expect_no_rcpt_changes(res)
	t.expect_log(res, { "class=sensitive", "action=tls", "mode=enforce" })
end)
