import RooftopModel
import RooftopReplication

/// The customer a merge component shows (decision 6; `sync-protocol/customer-merge.md#the-merged-record`):
/// a pure function of the members' stored rows and the newest live merge's stamp, so every replica
/// that holds the same rows shows the same record. Stored rows are never rewritten: an unmerge
/// gives each member back exactly what it holds.
///
/// For each field, a write made after the newest merge (a greater stamp than the merge's) wins
/// outright, even one that clears the field: staff edited the merged customer. Otherwise:
/// - ownership fields (`homeRooftop`, `sourceId`, `sourceType`): the survivor's; `createdAt` (customer
///   since): the earliest member's;
/// - consent: an opt-in (`optInEmail`, `optInSMS`, `optInMail`) is true only if no member says
///   false; `doNotContact` is true if any member says true (the most restrictive);
/// - `loyaltyTier` (a floor staff set): the highest; `updatedAt`: the latest;
/// - every other contact and profile field: the newest non-empty value (greatest stamp).
///
/// Phones and addresses are the union, each number and each place shown once (``oneEach(_:key:)``).
public enum MergedCustomer {
    /// Fields whose value is the survivor's.
    public static let ownershipFields: Set<String> = ["homeRooftop", "createdAt", "sourceId", "sourceType"]
    /// Opt-ins: false (opted out) wins over true.
    public static let optInFields: Set<String> = ["optInEmail", "optInSMS", "optInMail"]
    /// Tiers from lowest to highest.
    static let tiers = ["Bronze", "Silver", "Gold", "Platinum"]

    /// The merged row: `survivor` with each field resolved over `survivor` and `absorbed`.
    /// - Parameters:
    ///   - absorbed: the stored rows of the absorbed members (visible ones).
    ///   - mergeStamp: the stamp of the newest live merge record of the component.
    public static func view(survivor: StoredRow, absorbed: [StoredRow], mergeStamp: FieldStamp?) -> StoredRow {
        guard !absorbed.isEmpty else { return survivor }
        var row = survivor
        let members = [survivor] + absorbed
        for field in CRMSchema.customer.fields where !ownershipFields.contains(field.name) {
            let name = field.name
            let written = members.compactMap { member in member.stamps[name].map { (value: member[name], stamp: $0) } }
            guard !written.isEmpty else { continue }
            let chosen: (value: FieldValue, stamp: FieldStamp)?
            if let mergeStamp, let edit = written.filter({ $0.stamp > mergeStamp }).max(by: { $0.stamp < $1.stamp }) {
                chosen = edit
            } else {
                let present = written.filter { !isEmpty($0.value) }
                let newest = present.max { $0.stamp < $1.stamp }
                switch name {
                case _ where optInFields.contains(name):
                    chosen = present.filter { $0.value == .integer(0) }.max { $0.stamp < $1.stamp } ?? newest
                case "doNotContact":
                    chosen = present.filter { $0.value == .integer(1) }.max { $0.stamp < $1.stamp } ?? newest
                case "loyaltyTier":
                    chosen = present.max { (rank($0.value), $0.stamp) < (rank($1.value), $1.stamp) }
                case "updatedAt":
                    chosen = present.max { ($0.value.textValue ?? "", $0.stamp) < ($1.value.textValue ?? "", $1.stamp) }
                default:
                    chosen = newest
                }
            }
            guard let chosen else { continue }
            row.values[name] = chosen.value.isNull ? nil : chosen.value
            row.stamps[name] = chosen.stamp
        }
        // `createdAt` is when the person became a customer: the earliest member's (a record imported with
        // its 2016 date keeps it, whichever record the merge keeps).
        if let earliest = members.compactMap({ member in member["createdAt"].textValue.map { (text: $0, stamp: member.stamps["createdAt"]) } })
            .min(by: { $0.text < $1.text }) {
            row.values["createdAt"] = .text(earliest.text)
            if let stamp = earliest.stamp { row.stamps["createdAt"] = stamp }
        }
        return row
    }

    /// `rows` with one row per `key`, in their order: of rows sharing a key, the one marked primary,
    /// else the first (lowest id). A pure function of the rows, so every replica shows the same.
    public static func oneEach(_ rows: [StoredRow], key: (StoredRow) -> String) -> [StoredRow] {
        var position: [String: Int] = [:]
        var result: [StoredRow] = []
        for row in rows {
            let k = key(row)
            if let i = position[k] {
                if result[i]["primary"] != .bool(true) && row["primary"] == .bool(true) { result[i] = row }
            } else {
                position[k] = result.count
                result.append(row)
            }
        }
        return result
    }

    /// A phone's key: its number (E.164).
    public static func phoneKey(_ row: StoredRow) -> String { row["number"].textValue ?? row.id.string }

    /// An address's key: ``PostalAddress/key(street:city:postalCode:)``; an address with none of those, its id.
    public static func addressKey(_ row: StoredRow) -> String {
        let key = PostalAddress.key(street: row["street"].textValue, city: row["city"].textValue, postalCode: row["postalCode"].textValue)
        return key == "||" ? row.id.string : key
    }

    static func isEmpty(_ value: FieldValue) -> Bool {
        if value.isNull { return true }
        if case .text(let text) = value { return text.allSatisfy(\.isWhitespace) }
        return false
    }

    static func rank(_ value: FieldValue) -> Int { value.textValue.flatMap { tiers.firstIndex(of: $0) } ?? -1 }
}
