# contrib/exchange/exchange-online.ps1 - Exchange Online: route the council
# group's external mail through the fortrolig smart host (conditional mail
# routing). NOT run by the fortrolig tests: parameter names checked against
# Microsoft's cmdlet reference only. Run in Exchange Online PowerShell
# (Connect-ExchangeOnline), on a test group first. See README.md.

$SmartHost   = "fortrolig.bakkeby.dk"   # name in the Postfix host's public certificate
$CouncilGroup = "byraad@bakkeby.dk"     # mail-enabled group of the council members
$TestRcpt    = "fortrolig-test@example.org"

# An outbound connector used only by mail flow rules, with verified TLS.
New-OutboundConnector -Name "fortrolig" -ConnectorType Partner `
    -IsTransportRuleScoped $true -UseMxRecord $false -SmartHosts $SmartHost `
    -TlsSettings DomainValidation -TlsDomain $SmartHost `
    -Comment "Council mail through fortrolig (Postfix milter)"

# Mail from a group member to outside the organisation goes through it.
New-TransportRule -Name "Byraad via fortrolig" -FromMemberOf $CouncilGroup `
    -SentToScope NotInOrganization -RouteMessageOutboundConnector "fortrolig" `
    -Comments "fortrolig: see contrib/exchange/README.md"

# Connectivity to the smart host and a test message.
Validate-OutboundConnector -Identity "fortrolig" -Recipients $TestRcpt

# Later changes, e.g. another smart host:
# Set-OutboundConnector -Identity "fortrolig" -SmartHosts "fortrolig2.bakkeby.dk" -TlsDomain "fortrolig2.bakkeby.dk"
# Set-TransportRule -Identity "Byraad via fortrolig" -FromMemberOf "byraad-ny@bakkeby.dk"
