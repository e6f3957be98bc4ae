import GRDB
import RooftopModel
import RooftopReplication

extension Replica {
    /// Finds customers by name, e-mail or phone.
    ///
    /// - `q` with `@`: e-mail prefix (normalised lower-case).
    /// - `q` of digits and phone punctuation (7+ digits): the E.164 form, or numbers ending in
    ///   those digits.
    /// - otherwise: every word must start the first, last or business name, compared folded
    ///   (``TextFolding``: case, diacritics, NFC or NFD input alike). Scans the customer table (fast
    ///   indexed search is later work).
    /// - Parameters:
    ///   - query: what staff typed; surrounding space ignored.
    ///   - limit: at most this many results (1...500).
    ///   - offset: results to skip (the pages before).
    /// - Returns: matching customers, by last name, first name, id.
    public func searchCustomers(_ query: String, limit: Int = 50, offset: Int = 0) throws -> [CustomerRecord] {
        let q = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !q.isEmpty else { return [] }
        return try pool.read { db in
            let ids: [String]
            let digits = q.filter(\.isNumber)
            if q.contains("@") {
                ids = try String.fetchAll(db, sql: """
                    SELECT id FROM customer WHERE _created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL AND email LIKE ? ESCAPE '\\' ORDER BY lastName, firstName, id LIMIT ? OFFSET ?
                    """, arguments: [Self.likePrefix(q.precomposedStringWithCanonicalMapping.lowercased()), limit, offset])
            } else if digits.count >= 7, q.allSatisfy({ $0.isNumber || " +-.()".contains($0) }) {
                let exact = PhoneNumber.e164(q) ?? ""
                ids = try String.fetchAll(db, sql: """
                    SELECT DISTINCT c.id FROM customerPhone p JOIN customer c ON c.id = p.customerId
                    WHERE p._created IS NOT NULL AND p._deleted IS NULL AND c._created IS NOT NULL AND c._deleted IS NULL AND c._mergedInto IS NULL AND (p.number = ? OR p.number LIKE ?)
                    ORDER BY c.lastName, c.firstName, c.id LIMIT ? OFFSET ?
                    """, arguments: [exact, "%" + String(digits), limit, offset])
            } else {
                // "Berry, Lachlan" and "Lachlan Berry" find the same customer; words are compared
                // folded (case, diacritics, NFC/NFD): "JOSE MUNOZ" finds "José Muñoz".
                let words = TextFolding.fold(q).split(whereSeparator: { $0.isWhitespace || $0 == "," }).prefix(5).map { Self.likePrefix(String($0)) }
                let condition = words.map { _ in
                    "(rooftop_fold(firstName) LIKE ? ESCAPE '\\' OR rooftop_fold(lastName) LIKE ? ESCAPE '\\' OR rooftop_fold(businessName) LIKE ? ESCAPE '\\')"
                }.joined(separator: " AND ")
                var arguments = StatementArguments()
                for word in words { arguments += [word, word, word] }
                arguments += [limit, offset]
                ids = try String.fetchAll(db, sql: """
                    SELECT id FROM customer WHERE _created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL AND \(condition) ORDER BY lastName, firstName, id LIMIT ? OFFSET ?
                    """, arguments: arguments)
            }
            return try Self.customerRecords(db, ids: ids.compactMap(RowID.init))
        }
    }

    static func likePrefix(_ text: String) -> String {
        var escaped = ""
        for ch in text {
            if ch == "%" || ch == "_" || ch == "\\" { escaped.append("\\") }
            escaped.append(ch)
        }
        return escaped + "%"
    }
}

extension Replica {
    /// Ids of visible customers whose e-mail equals `email` (already normalised), oldest first.
    public func customerIDs(withEmail email: String) throws -> [RowID] { try snapshot { try $0.customerIDs(withEmail: email) } }

    /// Ids of visible customers with a phone equal to `number` (E.164), oldest first.
    public func customerIDs(withPhone number: String) throws -> [RowID] { try snapshot { try $0.customerIDs(withPhone: number) } }
}

extension StoreTransaction {
    /// Ids of visible customers whose e-mail is `email` (normalised), oldest first.
    public func customerIDs(withEmail email: String) throws -> [RowID] {
        try strings("SELECT id FROM customer WHERE _created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL AND email = ? ORDER BY id", arguments: [.text(email)])
            .compactMap(RowID.init)
    }

    /// Ids of visible customers with a phone equal to `number` (E.164), oldest first.
    public func customerIDs(withPhone number: String) throws -> [RowID] {
        try strings("""
            SELECT DISTINCT c.id FROM customerPhone p JOIN customer c ON c.id = p.customerId
            WHERE p._created IS NOT NULL AND p._deleted IS NULL AND c._created IS NOT NULL AND c._deleted IS NULL AND c._mergedInto IS NULL AND p.number = ? ORDER BY c.id
            """, arguments: [.text(number)]).compactMap(RowID.init)
    }
}
