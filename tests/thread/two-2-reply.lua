-- Instance 2 of the two-instance test: the member's trimmed reply (new subject, no
-- quote, only In-Reply-To) is rejected with the new-thread text, although this
-- process never saw the inbound mail: the memory is the shared Redis.
local t = dofile(os.getenv("FORTROLIG_MT_DIR") .. "/lib.lua")

t.main(function()
	local res = t.send{ from = t.member, rcpts = { "lise@example.org" }, subject = "Opfølgning",
		extra_headers = { { "In-Reply-To", "<TWO0001.fortrolig-test@bakkeby.dk>" } },
		body = "Tak, jeg ringer til dig i morgen.\n\nAnne\n" }
	t.expect_reject(res, { kind = "new-thread", cats = { "cpr", "health", "thread" },
		where = { "header" }, rcpts = { "lise@example.org" } },
		{ da = { "traad" }, en = { "new thread" } })
	t.expect_log(res, { "where=header", "action=reject" })
end)
