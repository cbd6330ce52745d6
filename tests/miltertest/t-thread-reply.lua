-- t-thread-reply: a confidential inbound mail to a member is remembered; the member's
-- reply with the quote trimmed and a new subject is rejected with the new-thread text
-- (only In-Reply-To links it); an unrelated reply passes as clean.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

t.main(function()
	t.start{ conf = "thread" }
	local inbound = t.send{ from = "borger@example.org", rcpts = { t.member }, qid = "IN0001",
		subject = "Min far", body = "Kære Anne\n\n" .. t.sensitive_text .. "\nMvh Lise\n" }
	t.expect_pass(inbound)
	t.expect_no_header_added(inbound, "X-Fortrolig")
	t.expect_log(inbound, { "thread memory: learned inbound mail", "class=sensitive" })

	local reply = t.send{ from = t.member, rcpts = { "lise@example.org" }, subject = "Opfølgning",
		extra_headers = { { "In-Reply-To", "<IN0001.fortrolig-test@bakkeby.dk>" } },
		body = "Tak, jeg ringer til dig i morgen.\n\nAnne\n" }
	t.expect_reject(reply, { kind = "new-thread", cats = { "cpr", "health", "thread" },
		where = { "header" }, rcpts = { "lise@example.org" } },
		{ da = { "traad" }, en = { "new thread" } })
	t.expect_log(reply, { "class=sensitive", "where=header", "action=reject" })

	local other = t.send{ from = t.member, rcpts = { "lise@example.org" }, subject = "SV: Møde",
		extra_headers = { { "In-Reply-To", "<unknown-1@example.org>" } }, body = t.clean_text }
	t.expect_pass(other)
	t.expect_header_added(other, "X-Fortrolig", { "class=clean" })
	t.expect_log_lacks("140549", "lungekr")
end)
