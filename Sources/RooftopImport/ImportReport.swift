import RooftopModel

/// What an import did. Re-importing the same file reports everything as already imported.
public struct ImportReport: Sendable, Equatable, CustomStringConvertible {
    /// Customers created.
    public var customersCreated = 0
    /// Leads attached to a customer already in the replica (same e-mail or phone).
    public var customersMatched = 0
    /// Interactions recorded (one per lead).
    public var interactions = 0
    /// Vehicles recorded (of interest, traded in or offered).
    public var vehicles = 0
    /// Records skipped because an earlier import already brought them in.
    public var alreadyImported = 0
    /// Records skipped, with the reason (line or prospect number first).
    public var rejected: [String] = []
    /// Rows counted in ``alreadyImported`` whose values differ from the customer here (an export
    /// edited since): each line and customer, left as it is (an import never changes a customer).
    public var differing: [DifferingRow] = []
    /// CSV rows attached to an existing customer (or an earlier row) by the duplicate check, in file
    /// order: nothing of them was written (their e-mail or phone included), so staff can look.
    public var matches: [ImportedMatch] = []
    /// Columns of a CSV file that name no field (not imported).
    public var ignoredColumns: [String] = []
    /// ADF prospects quarantined (kept whole for review: no name, or no usable e-mail or phone).
    public var quarantined = 0
    /// ADF values not stored in typed fields, each with its element path (kept in the interaction).
    public var warnings: [ADFWarning] = []
    /// Each ADF prospect, in document order: what it became.
    public var leads: [ImportedLead] = []
    /// Set when a customer import was asked to stop (``CustomerImporter/shouldStop``): the data rows
    /// of the file whose outcome is in this report, all committed; the rows after them were not read.
    public var stoppedAfterRows: Int?

    public init() {}

    /// The counts only (without ``leads`` and ``warnings``), to compare two reports' totals.
    public var counts: ImportReport {
        var copy = self
        copy.leads = []
        copy.warnings = []
        copy.matches = []
        copy.differing = []
        return copy
    }

    public var description: String {
        func count(_ n: Int, _ one: String, _ many: String) -> String { n == 1 ? "1 \(one)" : "\(n) \(many)" }
        var parts = [count(customersCreated, "customer", "customers") + " created"]
        if customersMatched > 0 { parts.append(count(customersMatched, "matched to an existing customer", "matched to existing customers")) }
        if interactions > 0 { parts.append(count(interactions, "interaction", "interactions")) }
        if vehicles > 0 { parts.append(count(vehicles, "vehicle", "vehicles")) }
        // Left as they are even when the file's values differ (an edited export): an import never changes a record.
        if alreadyImported > 0 {
            parts.append("\(alreadyImported) already imported (left as they are" + (differing.isEmpty ? ")" : "; \(differing.count) of them differ from the customer here)"))
        }
        if !rejected.isEmpty { parts.append("\(rejected.count) rejected") }
        if quarantined > 0 { parts.append("\(quarantined) quarantined (rooftop leads rejected)") }
        if !warnings.isEmpty { parts.append(count(warnings.count, "warning", "warnings")) }
        let counts = parts.joined(separator: ", ")
        guard let stoppedAfterRows else { return counts }
        return "stopped after \(count(stoppedAfterRows, "data row", "data rows")) (all committed): " + counts
            + "; run the same import again to finish it (rows already imported are not written twice)"
    }
}

/// A row naming a customer already here (its own `id`: an export) whose values differ from that
/// customer's: counted as already imported and left as it is.
public struct DifferingRow: Sendable, Equatable {
    /// The row's line in the file (a CSV's header is line 1).
    public var line: Int
    /// The customer it names.
    public var customerId: String
}

/// A CSV row the duplicate check attached to a customer already in the replica.
public struct ImportedMatch: Sendable, Equatable {
    /// The row's line in the file (the header is line 1).
    public var line: Int
    /// The customer it duplicates (the most likely, when several are confident).
    public var customerId: String
    /// The match probability (0–1) the model gave the pair.
    public var probability: Double

    /// A row at `line` attached to `customerId` with match `probability` (0–1).
    public init(line: Int, customerId: String, probability: Double) {
        self.line = line
        self.customerId = customerId
        self.probability = probability
    }
}

/// What one ADF prospect became.
public struct ImportedLead: Sendable, Equatable {
    /// The prospect's position in its document, from 1.
    public var index: Int
    /// The `lead` row.
    public var leadId: String
    /// `Imported`, `Quarantined`, or `AlreadyImported` (an earlier import brought it in: nothing written).
    public var outcome: String
    public var customerId: String?
    public var interactionId: String?
    /// True when the customer existed (same e-mail or phone, or a confident duplicate).
    public var customerMatched = false
    /// Why it was quarantined.
    public var reason: String?
    public var warnings: [ADFWarning] = []
}

extension ImportReport {
    /// An ADF import as JSON: `{"customersCreated", "customersMatched", "interactions", "vehicles",
    /// "quarantined", "alreadyImported", "leads": [{"index", "leadId", "outcome", "customerId",
    /// "interactionId", "customerMatched", "reason", "warnings": [{"path", "message", "value"}]}]}`
    /// (the answer of `POST /api/crm/leads/adf`, the drop folder's report).
    public var adfJSON: JSONValue {
        func count(_ n: Int) -> JSONValue { .number(Double(n)) }
        return .object([
            "customersCreated": count(customersCreated), "customersMatched": count(customersMatched),
            "interactions": count(interactions), "vehicles": count(vehicles), "quarantined": count(quarantined),
            "alreadyImported": count(alreadyImported), "leads": .array(leads.map(\.json)),
        ])
    }
}

extension ImportedLead {
    /// `{"index", "leadId", "outcome", "customerId", "interactionId", "customerMatched", "reason",
    /// "warnings": [{"path", "message", "value"}]}`.
    public var json: JSONValue {
        .object([
            "index": .number(Double(index)), "leadId": .string(leadId), "outcome": .string(outcome),
            "customerId": customerId.map(JSONValue.string) ?? .null, "interactionId": interactionId.map(JSONValue.string) ?? .null,
            "customerMatched": .bool(customerMatched), "reason": reason.map(JSONValue.string) ?? .null,
            "warnings": .array(warnings.map { .object(["path": .string($0.path), "message": .string($0.message), "value": .string($0.value)]) }),
        ])
    }
}
