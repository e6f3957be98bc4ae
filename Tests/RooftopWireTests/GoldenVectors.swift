import Foundation
import RooftopModel
import RooftopReplication

/// The golden vectors of `sync-protocol/vectors/`: each changeset below is stored there as
/// `<name>.changeset` (zstd frame), `<name>.payload.hex` (uncompressed payload) and
/// `<name>.json` (what it decodes to). `scripts/make-vectors` rewrites the files from here.
enum GoldenVectors {
    static let north = RooftopID(rawValue: "north")!
    static let south = RooftopID(rawValue: "south")!
    static let customer = RowID("019ad2a0-5a00-7c3e-8a51-3f2b9c0d4e61")!
    static let phone = RowID("019ad2a0-5a00-7c3e-8a51-3f2b9c0d4e62")!
    static let base = HLC(milliseconds: 1_796_083_200_000, counter: 0)

    static let all: [(name: String, changeset: Changeset)] = [
        ("01-insert-customer", Changeset(schemaVersion: 1, origin: north, changes: [
            RowChange(table: "customer", rowID: customer, hlc: base, kind: .insert, fields: [
                FieldChange("contactType", .text("Individual")), FieldChange("firstName", .text("Zoë")),
                FieldChange("lastName", .text("Ñandú-Example")), FieldChange("email", .text("zoe.nandu@example.com")),
                FieldChange("optInEmail", .integer(1)), FieldChange("leadScore", .integer(42)), FieldChange("notes", .null),
                FieldChange("createdAt", .text("2026-11-30T00:00:00.000Z")),
            ]),
            RowChange(table: "customerPhone", rowID: phone, hlc: HLC(milliseconds: 1_796_083_200_000, counter: 1), kind: .insert, fields: [
                FieldChange("customerId", .text(customer.string)), FieldChange("type", .text("Mobile")),
                FieldChange("number", .text("+15550100188")), FieldChange("primary", .integer(1)),
            ]),
        ])),
        ("02-updates-in-hlc-order", Changeset(schemaVersion: 1, origin: south, changes: [
            RowChange(table: "customer", rowID: customer, hlc: HLC(milliseconds: 1_796_083_260_000, counter: 0), kind: .update,
                      fields: [FieldChange("notes", .text("Prefers Saturday test drives")), FieldChange("leadScore", .integer(-7))]),
            RowChange(table: "customer", rowID: customer, hlc: HLC(milliseconds: 1_796_083_260_000, counter: 1), kind: .update,
                      fields: [FieldChange("lifetimeValue", .text("1234.5")), FieldChange("score", .real(4.25))]),
            RowChange(table: "customerPhone", rowID: phone, hlc: HLC(milliseconds: 1_796_083_320_500, counter: 0), kind: .update,
                      fields: [FieldChange("primary", .integer(0)), FieldChange("attachment", .blob([0x00, 0xFF, 0x10]))]),
        ])),
        ("03-empty", Changeset(schemaVersion: 1, origin: RooftopID(rawValue: "east-side")!, changes: [])),
    ]
}
