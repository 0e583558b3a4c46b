# PowerShell's own parser over many files in one process (codegen property test): for each file
# listed in $args[0], "file<TAB>OK<TAB>shape" (token kinds; names kept; single-quoted and here-string
# literals as STR; comments dropped) or "file<TAB>ERR<TAB>messages".
foreach ($f in Get-Content -LiteralPath $args[0]) {
  $tokens = $null
  $errors = $null
  [void][System.Management.Automation.Language.Parser]::ParseFile($f, [ref]$tokens, [ref]$errors)
  if ($errors.Count -gt 0) {
    $msg = ($errors | ForEach-Object { "line $($_.Extent.StartLineNumber): $($_.Message)" }) -join ' | '
    "$f`tERR`t$($msg -replace '[\r\n\t]', ' ')"
    continue
  }
  $shape = foreach ($t in $tokens) {
    $k = [string]$t.Kind
    if ($k -eq 'Comment') { continue }
    if ($k -eq 'StringLiteral' -or $k -eq 'HereStringLiteral') { 'STR'; continue }
    if ($k -in 'Generic', 'Identifier', 'Variable', 'Parameter', 'Number') { "${k}:$($t.Text)"; continue }
    $k
  }
  "$f`tOK`t$($shape -join ' ')"
}
