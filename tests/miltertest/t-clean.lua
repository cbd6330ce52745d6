-- t-clean: harmless mail from a member to an outside address passes untouched apart
-- from X-Fortrolig: class=clean.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

t.main(function()
	local res = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, subject = "Mødet i går", body = t.clean_text }
	t.expect_pass(res)
	t.expect_header_added(res, "X-Fortrolig", { "class=clean", "action=deliver" })
	t.expect_no_header_added(res, "X-Fortrolig-Route")
	t.expect_no_header_changes(res)
	t.expect_body_unchanged(res)
	t.expect_no_rcpt_changes(res)
	t.expect_log(res, { "class=clean", "action=deliver" })
end)
