# contrib/exchange/exchange-onprem.ps1 - on-premises Exchange: all external
# mail through the fortrolig smart host; fortrolig acts only on the council
# senders in fortrolig.conf. NOT run by the fortrolig tests: parameter names
# checked against Microsoft's cmdlet reference only. Run in the Exchange
# Management Shell. See README.md.

$SmartHost = "fortrolig.bakkeby.dk"     # name in the Postfix host's certificate
$Servers   = "EXCH1","EXCH2"            # Mailbox servers that send to the Internet

New-SendConnector -Name "fortrolig" -Usage Internet -AddressSpaces "SMTP:*;1" `
    -SourceTransportServers $Servers -DNSRoutingEnabled $false `
    -SmartHosts $SmartHost -SmartHostAuthMechanism None `
    -RequireTLS $true -TlsAuthLevel DomainValidation -TlsDomain $SmartHost

# The old direct Internet connector must not take the mail past fortrolig:
# Get-SendConnector | Format-Table Name,AddressSpaces,SmartHosts,Enabled
# Set-SendConnector -Identity "Internet" -Enabled $false

# A Danish text for the user part of every 5.7.1 NDR to internal senders
# (applies to all 5.7.1 rejections, not only fortrolig's):
New-SystemMessage -DsnCode 5.7.1 -Internal $true -Language da `
    -Text "Mailen blev afvist af modtagerens server eller af kommunens filter for fortrolige oplysninger. Se forklaringen under 'Diagnosticeringsoplysninger'. Kontakt IT, tlf. 1234."
