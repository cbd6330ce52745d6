-- t-monitor: in monitor mode nothing is rejected or routed; X-Fortrolig tells what
-- enforce mode would have done, with "; mode=monitor".
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

t.main(function()
	t.start{ conf = "monitor" }
	local res = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, body = "Hej\n\n" .. t.sensitive_text }
	t.expect_pass(res)
	t.expect_header_added(res, "X-Fortrolig", { "class=sensitive", "action=reject", "mode=monitor" })
	t.expect_no_header_added(res, "X-Fortrolig-Route")
	t.expect_log(res, { "class=sensitive", "action=reject", "mode=monitor" })

	res = t.send{ from = t.member, rcpts = { "x@tls.example" }, body = "Hej\n\n" .. t.sensitive_text }
	t.expect_pass(res)
	t.expect_header_added(res, "X-Fortrolig", { "class=sensitive", "action=tls", "mode=monitor" })
	t.expect_no_header_added(res, "X-Fortrolig-Route")
end)
