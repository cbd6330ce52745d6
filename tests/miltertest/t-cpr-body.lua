-- t-cpr-body: a council member sends a CPR number and a cancer diagnosis to an
-- outside address: the message is rejected with 550 5.7.1, Danish text first.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

t.main(function()
	local res = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, subject = "Sagen fra i går",
		body = "Hej Peter\n\n" .. t.sensitive_text .. "\nVenlig hilsen\nAnne Holm\n" }
	t.expect_reject(res, { cats = { "cpr", "health" }, where = { "body" }, rcpts = { "ext@gmail.com" } },
		{ da = { "fortrolig" }, en = { "confidential" } })
	t.expect_no_header_added(res, "X-Fortrolig-Route")
	t.expect_log(res, { "from=<anne.holm@bakkeby.dk>", "class=sensitive", "cats=cpr,health",
		"where=body", "action=reject", "rcpts=1", "mode=enforce" })
	t.expect_log_lacks("140549", "0389", "lungekr")
end)
