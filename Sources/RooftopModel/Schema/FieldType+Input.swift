import Foundation

extension FieldType {
    /// Validates and normalises one JSON value for a field of this type.
    /// - Parameter pointer: the JSON Pointer (RFC 6901) of the value, for the error.
    /// - Returns: the stored value; JSON `null` and empty text become ``FieldValue/null``.
    /// - Throws: ``FieldInputError`` naming the rule broken.
    public func storedValue(for json: JSONValue, at pointer: String) throws(FieldInputError) -> FieldValue {
        if case .null = json { return .null }
        func fail(_ reason: String) -> FieldInputError { FieldInputError(pointer: pointer, reason: reason) }
        func string() throws(FieldInputError) -> String? {
            guard case .string(let s) = json else { throw fail("expected a string, got \(json.kindName)") }
            let t = s.trimmedWhitespace
            return t.isEmpty ? nil : t
        }
        switch self {
        case .uuid:
            guard let s = try string() else { return .null }
            guard let id = RowID(s) else { throw fail("expected a UUID") }
            return .text(id.string)
        case .text(let maxLength):
            guard let s = try string() else { return .null }
            let maxBytes = Self.maxTextBytes(forLength: maxLength)
            // Bytes first: counting the characters of a huge input costs more than refusing it
            // (NFC shrinks text by at most a factor of 3, so nothing acceptable is refused here).
            guard s.utf8.count <= maxBytes * 3 else { throw fail("longer than \(maxBytes) bytes of UTF-8") }
            guard s.count <= maxLength else { throw fail("longer than \(maxLength) characters") }
            guard !s.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" || $0.value == 0x7F }) else {
                throw fail("contains a control character")
            }
            // ASCII text is already in NFC (most names, e-mails, streets).
            let stored = s.utf8.allSatisfy({ $0 < 0x80 }) ? s : s.precomposedStringWithCanonicalMapping
            guard stored.utf8.count <= maxBytes else { throw fail("longer than \(maxBytes) bytes of UTF-8") }
            return .text(stored)
        case .enumeration(let allowed):
            guard let s = try string() else { return .null }
            guard let match = allowed.first(where: { $0 == s }) ?? allowed.first(where: { $0.caseInsensitiveCompare(s) == .orderedSame }) else {
                throw fail("expected one of \(allowed.joined(separator: ", "))")
            }
            return .text(match)
        case .boolean:
            guard case .bool(let b) = json else { throw fail("expected true or false, got \(json.kindName)") }
            return .bool(b)
        case .integer(let range):
            guard case .number(let d) = json, d.rounded() == d, d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
                throw fail("expected a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return .integer(Int64(d))
        case .decimal:
            let text: String
            switch json {
            case .number(let d) where d.isFinite: text = String(d)
            case .string(let s):
                text = s.trimmedWhitespace
                if text.isEmpty { return .null }
            default: throw fail("expected a decimal number")
            }
            guard Self.isDecimalLiteral(text), let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
                !decimal.isNaN
            else { throw fail("expected a decimal number") }
            return .text(decimal.description)
        case .date:
            guard let s = try string() else { return .null }
            guard let d = Timestamp.normaliseDate(s) else { throw fail("expected a date YYYY-MM-DD") }
            return .text(d)
        case .dateTime:
            guard let s = try string() else { return .null }
            guard let d = Timestamp.normaliseDateTime(s) else { throw fail("expected an RFC 3339 date-time with offset") }
            return .text(d)
        case .email:
            guard let s = try string() else { return .null }
            guard let e = EmailAddress.normalise(s) else { throw fail("expected an e-mail address") }
            return .text(e)
        case .phone:
            guard let s = try string() else { return .null }
            guard let p = PhoneNumber.e164(s) else { throw fail("expected a phone number (E.164 or a 10-digit NANP number)") }
            return .text(p)
        case .vin:
            guard let s = try string() else { return .null }
            guard let v = VIN.normalise(s) else { throw fail("expected a 17-character VIN (ISO 3779)") }
            return .text(v)
        case .url:
            guard let s = try string() else { return .null }
            guard Self.isWebURL(s) else { throw fail("expected an absolute http or https URL of at most 2048 bytes") }
            return .text(s)
        case .jsonObject:
            guard case .object = json else { throw fail("expected a JSON object, got \(json.kindName)") }
            guard let text = Self.canonicalJSON(json), text.utf8.count <= Self.maxJSONBytes else {
                throw fail("longer than \(Self.maxJSONBytes) bytes of canonical JSON")
            }
            return .text(text)
        case .list(let element, let maxCount):
            guard case .array(let items) = json else { throw fail("expected an array, got \(json.kindName)") }
            guard items.count <= maxCount else { throw fail("more than \(maxCount) elements") }
            var kept: [JSONValue] = []
            for (i, item) in items.enumerated() {
                guard case .string = item else { throw FieldInputError(pointer: "\(pointer)/\(i)", reason: "expected a string, got \(item.kindName)") }
                let stored = try element.storedValue(for: item, at: "\(pointer)/\(i)")
                guard case .text(let text) = stored else { continue }  // empty strings are dropped
                if !kept.contains(.string(text)) { kept.append(.string(text)) }
            }
            if kept.isEmpty { return .null }
            return .text(Self.canonicalJSON(.array(kept)) ?? "[]")
        }
    }

    /// `value` encoded with sorted keys and no insignificant white space (the stored form of
    /// ``jsonObject`` and ``list(_:maxCount:)``); nil when it cannot be encoded.
    public static func canonicalJSON(_ value: JSONValue) -> String? {
        (try? value.encoded()).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// An absolute `http`/`https` URL with a host, at most 2,048 bytes, no white space or control characters.
    static func isWebURL(_ s: String) -> Bool {
        guard s.utf8.count <= 2048, !s.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }),
            let components = URLComponents(string: s), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    /// `[+-]digits[.digits][e[+-]digits]` with at least one digit before the exponent.
    static func isDecimalLiteral(_ text: String) -> Bool {
        var chars = Substring(text)
        if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
        let mantissaEnd = chars.firstIndex { $0 == "e" || $0 == "E" } ?? chars.endIndex
        let mantissa = chars[..<mantissaEnd]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            parts.contains(where: { !$0.isEmpty })
        else { return false }
        guard mantissaEnd < chars.endIndex else { return true }
        var exponent = chars[chars.index(after: mantissaEnd)...]
        if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
        return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// True when `value` is exactly what ``storedValue(for:at:)`` would store for this type:
    /// the right storage class, in range, and already normalised (an enum value spelled as the
    /// design document spells it, an e-mail in lower case, a phone in E.164, a date-time in
    /// canonical UTC). A changeset carrying anything else is rejected whole.
    public func acceptsStored(_ value: FieldValue) -> Bool {
        switch (self, value) {
        case (_, .null): true
        case (.boolean, .integer(let i)): i == 0 || i == 1
        case (.integer(let range), .integer(let i)): range.contains(i)
        case (.uuid, .text(let s)): RowID(s)?.string == s
        case (.text(let maxLength), .text(let s)):
            !s.isEmpty && s.utf8.count <= Self.maxTextBytes(forLength: maxLength) && (s.utf8.count <= maxLength || s.count <= maxLength)
        case (.enumeration(let allowed), .text(let s)): allowed.contains(s)
        case (.decimal, .text(let s)): Self.isDecimalLiteral(s)
        case (.date, .text(let s)): Timestamp.isCanonicalDate(s)
        case (.dateTime, .text(let s)): Timestamp.isCanonicalDateTime(s)
        case (.email, .text(let s)): EmailAddress.isNormalised(s)
        case (.phone, .text(let s)):
            s.utf8.first == UInt8(ascii: "+") && (8...15).contains(s.utf8.count - 1) && s.utf8.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        case (.vin, .text(let s)): VIN.normalise(s) == s
        case (.url, .text(let s)): Self.isWebURL(s)
        case (.jsonObject, .text(let s)):
            if s.utf8.count <= Self.maxJSONBytes, let parsed = Self.parseJSON(s), case .object = parsed { Self.canonicalJSON(parsed) == s } else { false }
        case (.list(let element, let maxCount), .text(let s)):
            if let parsed = Self.parseJSON(s), case .array(let items) = parsed, !items.isEmpty, items.count <= maxCount,
                items.allSatisfy({ if case .string(let t) = $0 { element.acceptsStored(.text(t)) } else { false } }),
                Set(items).count == items.count {
                Self.canonicalJSON(parsed) == s
            } else { false }
        default: false
        }
    }

    /// Parses stored JSON text; nil when it is not JSON.
    static func parseJSON(_ s: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(s.utf8))
    }

    /// The JSON form of a stored value.
    public func jsonValue(for value: FieldValue) -> JSONValue {
        switch (self, value) {
        case (.list, .null): .array([])
        case (_, .null): .null
        case (.jsonObject, .text(let s)), (.list, .text(let s)): Self.parseJSON(s) ?? .null
        case (.boolean, .integer(let i)): .bool(i != 0)
        case (.decimal, .text(let s)): Double(s).map(JSONValue.number) ?? .string(s)
        case (_, .integer(let i)): .number(Double(i))
        case (_, .real(let d)): .number(d)
        case (_, .text(let s)): .string(s)
        case (_, .blob(let b)): .string(Data(b).base64EncodedString())
        }
    }
}
