#pragma once
// Structure and checksum checks for values that identify people. Each returns true only
// when the value is well-formed and its check digits agree, so look-alikes (a random
// 16-digit number, an IBAN with one digit changed) are not taken for personal data.
#include <string>
#include <string_view>

namespace mlaudit::personal {

// Only the digits of a value (separators dropped); empty when anything else appears
// besides spaces, dashes, dots and slashes.
std::string digits_only(std::string_view value);

bool luhn_valid(std::string_view digits);
bool verhoeff_valid(std::string_view digits);

bool is_email(std::string_view value);
bool is_iban(std::string_view value);                 // length per country, mod-97 == 1
bool is_payment_card(std::string_view value);         // 13-19 digits, Luhn, known issuer ranges
bool is_ipv4(std::string_view value);
bool is_ipv6(std::string_view value);
bool is_mac_address(std::string_view value);
bool is_uuid(std::string_view value);
bool is_imei(std::string_view value);                 // 15 digits, Luhn

bool is_us_ssn(std::string_view value);               // AAA-GG-SSSS, no 000/666/9xx, 00, 0000
bool is_uk_nino(std::string_view value);              // two letters (allowed pairs), six digits, A-D
bool is_uk_nhs_number(std::string_view value);        // 10 digits, mod 11
bool is_de_tax_id(std::string_view value);            // 11 digits, ISO 7064 MOD 11,10, digit pattern
bool is_pl_pesel(std::string_view value);             // 11 digits, weighted checksum, valid birth date
bool is_in_aadhaar(std::string_view value);           // 12 digits, not starting 0/1, Verhoeff
bool is_es_dni(std::string_view value);               // 8 digits (or X/Y/Z + 7) and the mod-23 letter
bool is_br_cpf(std::string_view value);               // 11 digits, two mod-11 check digits
// Which national-id scheme a value satisfies ("" when none).
std::string_view national_id_scheme(std::string_view value);

// A calendar date in a common layout (ISO, D.M.Y, D/M/Y, M/D/Y); year is set on success.
bool parse_date(std::string_view value, int& year, int& month, int& day);

}  // namespace mlaudit::personal
