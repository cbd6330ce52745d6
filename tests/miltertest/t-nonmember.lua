-- t-nonmember: mail from outside the council (here inbound to a bakkeby.dk address)
-- is never blocked and gets no X-Fortrolig header, even with a CPR number in it.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

t.main(function()
	local res = t.send{ from = "someone@example.org", rcpts = { "anne.holm@bakkeby.dk" },
		body = "Hej Anne\n\n" .. t.sensitive_text }
	t.expect_pass(res)
	t.expect_no_header_added(res, "X-Fortrolig")
	t.expect_no_header_added(res, "X-Fortrolig-Route")
	t.expect_no_header_changes(res)
	t.expect_body_unchanged(res)
	t.expect_log_lacks("140549")
end)
