-- t-quoted-only: the member's own text is harmless; the CPR number and diagnosis are
-- only in the quoted earlier mail (">" quoting, then an Outlook "Oprindelig meddelelse"
-- block).  With quoted_action = new-thread both are rejected with the new-thread text.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

local own = "Tak, det kigger jeg på i morgen.\n\nVenlig hilsen\nAnne\n\n"
local bodies = {
	own .. "Den 2. marts 2026 kl. 09.12 skrev Lise Berg <lise.berg@bakkeby.dk>:\n" ..
		"> Kære Anne\n>\n> " .. t.sensitive_text .. ">\n> Mvh Lise\n",
	own .. "-----Oprindelig meddelelse-----\nFra: Lise Berg <lise.berg@bakkeby.dk>\n" ..
		"Sendt: 2. marts 2026 09:12\nTil: Anne Holm <anne.holm@bakkeby.dk>\nEmne: Henvendelse\n\n" ..
		"Kære Anne\n\n" .. t.sensitive_text .. "\nMed venlig hilsen\nLise Berg\nSocialforvaltningen\n",
}

t.main(function()
	for _, body in ipairs(bodies) do
		local res = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, subject = "SV: Henvendelse", body = body }
		t.expect_reject(res, { kind = "new-thread", cats = { "cpr", "health" }, where = { "quoted" },
			rcpts = { "ext@gmail.com" } }, { da = { "traad" }, en = { "new thread" } })
		t.expect_log(res, { "class=sensitive", "where=quoted", "action=reject" })
	end
	t.expect_log_lacks("140549", "lungekr")
end)
