import Foundation
import RooftopModel
import RooftopReplication

/// The merge-rule golden vectors of `sync-protocol/vectors/merge/`: for each rule, the input
/// changesets (each a zstd frame, `NN-origin.changeset`) and `expected.json`, the merged state of
/// the rows they touch, which every delivery order must produce. `scripts/make-vectors` writes
/// the files from here.
enum MergeVectors {
    struct Vector {
        let name: String
        let summary: String
        let changesets: [Changeset]
    }

    static let north = RooftopID(rawValue: "north")!, south = RooftopID(rawValue: "south")!, east = RooftopID(rawValue: "east")!
    static let ana = RowID("019ad2a0-0000-7000-8000-00000000a001")!
    static let phone1 = RowID("019ad2a0-0000-7000-8000-00000000b001")!
    static let phone2 = RowID("019ad2a0-0000-7000-8000-00000000b002")!
    static let tagA = RowID("019ad2a0-0000-7000-8000-00000000c001")!
    static let tagB = RowID("019ad2a0-0000-7000-8000-00000000c002")!
    static let campaign = RowID("019ad2a0-0000-7000-8000-00000000e001")!
    /// `DerivedID.campaignMessage(campaign:customer:)` of `campaign` and `ana` (`merge-rules.md#derived-ids`).
    static let anaSpringMessage = RowID("b22f6434-3d92-837d-86e1-120f2c6004d3")!
    static let segment = RowID("019ad2a0-0000-7000-8000-00000000e002")!
    static let memberA = RowID("019ad2a0-0000-7000-8000-00000000e003")!
    static let memberB = RowID("019ad2a0-0000-7000-8000-00000000e004")!
    static let anna = RowID("019ad2a0-0000-7000-8000-00000000a002")!
    static let annaPhone = RowID("019ad2a0-0000-7000-8000-00000000b003")!
    static let lateAnnaPhone = RowID("019ad2a0-0000-7000-8000-00000000b004")!
    static let mergeNorth = RowID("019ad2a0-0000-7000-8000-00000000f001")!
    static let mergeSouth = RowID("019ad2a0-0000-7000-8000-00000000f002")!
    static let t0: UInt64 = 1_796_083_200_000

    static func hlc(_ seconds: UInt64, _ counter: UInt16 = 0) -> HLC { HLC(milliseconds: t0 + seconds * 1_000, counter: counter) }
    static func text(_ s: String) -> FieldValue { .text(s) }

    static func insertAna(at seconds: UInt64 = 0) -> RowChange {
        RowChange(table: "customer", rowID: ana, hlc: hlc(seconds), kind: .insert, fields: [
            FieldChange("contactType", text("Individual")), FieldChange("firstName", text("Ana")), FieldChange("lastName", text("Example")),
            FieldChange("status", text("Prospect")), FieldChange("notes", text("first visit")),
        ])
    }

    static func update(_ seconds: UInt64, _ counter: UInt16, _ fields: [FieldChange]) -> RowChange {
        updateRow("customer", ana, seconds, counter, fields)
    }

    static func updateRow(_ table: String, _ id: RowID, _ seconds: UInt64, _ counter: UInt16, _ fields: [FieldChange]) -> RowChange {
        RowChange(table: table, rowID: id, hlc: hlc(seconds, counter), kind: .update, fields: fields)
    }

    static func context(_ entries: [(RooftopID, HLC)]) -> FieldChange {
        FieldChange(RowChange.contextField, .blob(VersionVector(Dictionary(uniqueKeysWithValues: entries)).encoded()))
    }

    static let all: [Vector] = [
        Vector(name: "01-lww-concurrent-edits",
               summary: "north and south edit Ana offline: different fields both survive; the same field goes to the greater (HLC, rooftop id); an equal HLC is won by the greater rooftop id",
               changesets: [
                Changeset(schemaVersion: 2, origin: north, changes: [
                    insertAna(),
                    update(10, 0, [FieldChange("email", text("ana@example.com")), FieldChange("notes", text("north note"))]),
                    update(30, 0, [FieldChange("leadScore", .integer(40))]),
                ]),
                Changeset(schemaVersion: 2, origin: south, changes: [
                    update(20, 0, [FieldChange("occupation", text("Chef")), FieldChange("notes", text("south note"))]),
                    update(30, 0, [FieldChange("leadScore", .integer(70))]),
                ]),
               ]),
        Vector(name: "02-update-before-insert",
               summary: "south's update reaches a replica before north's insert: the row stays invisible until the insert, then the later update wins its field",
               changesets: [
                Changeset(schemaVersion: 2, origin: south, changes: [update(5, 0, [FieldChange("notes", text("updated"))])]),
                Changeset(schemaVersion: 2, origin: north, changes: [insertAna()]),
               ]),
        Vector(name: "03-primary-flag",
               summary: "two phones both end up primary after concurrent edits: the one whose primary field has the greater stamp shows as primary",
               changesets: [
                Changeset(schemaVersion: 2, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "customerPhone", rowID: phone1, hlc: hlc(0, 1), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("number", text("+15550100001")), FieldChange("primary", .integer(1)),
                    ]),
                    RowChange(table: "customerPhone", rowID: phone2, hlc: hlc(0, 2), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("number", text("+15550100002")), FieldChange("primary", .integer(0)),
                    ]),
                ]),
                Changeset(schemaVersion: 2, origin: south, changes: [
                    updateRow("customerPhone", phone2, 20, 0, [FieldChange("primary", .integer(1))]),
                ]),
                Changeset(schemaVersion: 2, origin: east, changes: [
                    updateRow("customerPhone", phone1, 15, 0, [FieldChange("primary", .integer(1))]),
                ]),
               ]),
        Vector(name: "04-delete-wins-over-an-unknown-edit",
               summary: "north deletes Ana knowing its own edits only; south's later-stamped edit was made without knowledge of the delete: the row is deleted, the edit is not applied and is listed as a conflict",
               changesets: [
                Changeset(schemaVersion: 2, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "customer", rowID: ana, hlc: hlc(40), kind: .delete, fields: [context([(north, hlc(0))])]),
                ]),
                Changeset(schemaVersion: 2, origin: south, changes: [update(50, 0, [FieldChange("notes", text("south edit after the delete, unaware"))])]),
               ]),
        Vector(name: "05-restore-after-delete",
               summary: "east restores Ana after north's delete: visible again with the pre-delete values; the edit that lost to the delete stays out (and in the conflict log); an edit after the restore applies",
               changesets: [
                Changeset(schemaVersion: 2, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "customer", rowID: ana, hlc: hlc(40), kind: .delete, fields: [context([(north, hlc(0))])]),
                ]),
                Changeset(schemaVersion: 2, origin: south, changes: [update(30, 0, [FieldChange("notes", text("lost to the delete"))])]),
                Changeset(schemaVersion: 2, origin: east, changes: [
                    RowChange(table: "customer", rowID: ana, hlc: hlc(60), kind: .restore, fields: []),
                    update(70, 0, [FieldChange("occupation", text("Teacher"))]),
                ]),
               ]),
        Vector(name: "06-two-rooftops-delete",
               summary: "north and south both delete Ana: one tombstone, the greater stamp, everywhere; no conflicts",
               changesets: [
                Changeset(schemaVersion: 2, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "customer", rowID: ana, hlc: hlc(40), kind: .delete, fields: [context([(north, hlc(0))])]),
                ]),
                Changeset(schemaVersion: 2, origin: south, changes: [
                    RowChange(table: "customer", rowID: ana, hlc: hlc(40), kind: .delete, fields: [context([(north, hlc(0))])]),
                ]),
               ]),
        Vector(name: "07-add-wins-tag",
               summary: "north adds VIP (element A) and removes it; south, unaware of the remove, adds vip (element B): the tag stays, spelled as the only present element spells it",
               changesets: [
                Changeset(schemaVersion: 2, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "customerTag", rowID: tagA, hlc: hlc(0, 1), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("tag", text("VIP")), FieldChange("removed", .integer(0)),
                    ]),
                    updateRow("customerTag", tagA, 20, 0, [FieldChange("removed", .integer(1))]),
                ]),
                Changeset(schemaVersion: 2, origin: south, changes: [
                    RowChange(table: "customerTag", rowID: tagB, hlc: hlc(25), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("tag", text("vip")), FieldChange("removed", .integer(0)),
                    ]),
                ]),
               ]),
        Vector(name: "09-loyalty-overdraw",
               summary: "Ana has 100 points; north redeems 80 and south redeems 50 concurrently: replay in stamp order accepts north's and declines south's, everywhere; the balance is 20",
               changesets: [
                Changeset(schemaVersion: 3, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "loyaltyEvent", rowID: RowID("019ad2a0-0000-7000-8000-00000000d001")!, hlc: hlc(1), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("kind", text("Add")), FieldChange("points", .integer(100)),
                    ]),
                    RowChange(table: "loyaltyEvent", rowID: RowID("019ad2a0-0000-7000-8000-00000000d002")!, hlc: hlc(20), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("kind", text("Redeem")), FieldChange("points", .integer(80)),
                    ]),
                ]),
                Changeset(schemaVersion: 3, origin: south, changes: [
                    RowChange(table: "loyaltyEvent", rowID: RowID("019ad2a0-0000-7000-8000-00000000d003")!, hlc: hlc(25), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("kind", text("Redeem")), FieldChange("points", .integer(50)),
                    ]),
                ]),
               ]),
        Vector(name: "10-erasure",
               summary: "north erases Ana on her request while south, unaware, edits her and adds a phone: the erase wins over both; nothing about her remains, on any replica",
               changesets: [
                Changeset(schemaVersion: 3, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "customer", rowID: ana, hlc: hlc(60), kind: .erase, fields: []),
                ]),
                Changeset(schemaVersion: 3, origin: south, changes: [
                    update(70, 0, [FieldChange("notes", text("south edits Ana after the erasure, unaware"))]),
                    RowChange(table: "customerPhone", rowID: phone1, hlc: hlc(71), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("number", text("+15550100001")),
                    ]),
                ]),
               ]),
        Vector(name: "11-purge-after-retention",
               summary: "north deleted Ana; after the retention horizon the hub purges her row with a replicated purge change; in any order, the row is gone and south's late edit does not bring it back",
               changesets: [
                Changeset(schemaVersion: 3, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "customer", rowID: ana, hlc: hlc(40), kind: .delete, fields: [context([(north, hlc(0))])]),
                ]),
                Changeset(schemaVersion: 3, origin: south, changes: [update(50, 0, [FieldChange("notes", text("late edit"))])]),
                Changeset(schemaVersion: 3, origin: .hub, changes: [RowChange(table: "customer", rowID: ana, hlc: hlc(90), kind: .purge, fields: [])]),
               ]),
        Vector(name: "12-delete-covers-children",
               summary: "north deletes Ana knowing only its own changes; south, unaware, changes her phone, adds a second phone and 50 points; east then restores her: the child edits lost to the delete (conflicts, not applied, not revived by the restore); south's phone edit after the restore applies",
               changesets: [
                Changeset(schemaVersion: 3, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "customerPhone", rowID: phone1, hlc: hlc(0, 1), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("number", text("+15550100001")), FieldChange("primary", .integer(1)),
                    ]),
                    RowChange(table: "customer", rowID: ana, hlc: hlc(40), kind: .delete, fields: [context([(north, hlc(0, 1))])]),
                ]),
                Changeset(schemaVersion: 3, origin: south, changes: [
                    updateRow("customerPhone", phone1, 50, 0, [FieldChange("number", text("+15550109999"))]),
                    RowChange(table: "customerPhone", rowID: phone2, hlc: hlc(51), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("number", text("+15550102222")),
                    ]),
                    RowChange(table: "loyaltyEvent", rowID: tagA, hlc: hlc(52), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("kind", text("Add")), FieldChange("points", .integer(50)),
                    ]),
                    updateRow("customerPhone", phone1, 70, 0, [FieldChange("type", text("Mobile"))]),
                ]),
                Changeset(schemaVersion: 3, origin: east, changes: [RowChange(table: "customer", rowID: ana, hlc: hlc(60), kind: .restore, fields: [])]),
               ]),
        Vector(name: "08-newer-schema-field",
               summary: "a changeset from schema 99 carries preferredLanguage, unknown to this schema: the known fields merge, the unknown one is kept in the change log (not in the row), nothing is nulled",
               changesets: [
                Changeset(schemaVersion: 2, origin: north, changes: [insertAna()]),
                Changeset(schemaVersion: 99, origin: south, changes: [
                    update(10, 0, [FieldChange("notes", text("from a newer release")), FieldChange("preferredLanguage", text("pt"))]),
                ]),
               ]),
            Vector(name: "13-campaign-executed-twice",
               summary: "north and south execute one campaign while partitioned: both write Ana's message under the id derived from (campaign, customer), so there is one message; its fields merge as LWW registers (south's later send wins sentAt and status)",
               changesets: [
                Changeset(schemaVersion: 4, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "campaign", rowID: campaign, hlc: hlc(1), kind: .insert, fields: [
                        FieldChange("name", text("Spring service")), FieldChange("type", text("Email")), FieldChange("status", text("Running")),
                        FieldChange("owningRooftop", text("north")),
                    ]),
                    RowChange(table: "campaignMessage", rowID: anaSpringMessage, hlc: hlc(10), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("campaignId", text(campaign.string)), FieldChange("channel", text("Email")),
                        FieldChange("status", text("Queued")), FieldChange("queuedAt", text("2026-12-01T00:00:10.000Z")),
                    ]),
                ]),
                Changeset(schemaVersion: 4, origin: south, changes: [
                    RowChange(table: "campaignMessage", rowID: anaSpringMessage, hlc: hlc(12), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("campaignId", text(campaign.string)), FieldChange("channel", text("Email")),
                        FieldChange("status", text("Queued")), FieldChange("queuedAt", text("2026-12-01T00:00:12.000Z")),
                    ]),
                    updateRow("campaignMessage", anaSpringMessage, 30, 0, [FieldChange("status", text("Sent")), FieldChange("sentAt", text("2026-12-01T00:00:30.000Z"))]),
                ]),
               ]),
        Vector(name: "14-segment-member-add-wins",
               summary: "Ana is in a static segment; south removes her while north, not having seen it, adds her again: north's new element row survives the remove, so she stays a member everywhere",
               changesets: [
                Changeset(schemaVersion: 4, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "customerSegment", rowID: segment, hlc: hlc(1), kind: .insert, fields: [
                        FieldChange("name", text("Hand-picked")), FieldChange("type", text("Static")),
                    ]),
                    RowChange(table: "segmentMember", rowID: memberA, hlc: hlc(2), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("segmentId", text(segment.string)), FieldChange("removed", .integer(0)),
                    ]),
                ]),
                Changeset(schemaVersion: 4, origin: south, changes: [
                    updateRow("segmentMember", memberA, 20, 0, [FieldChange("removed", .integer(1))]),
                ]),
                Changeset(schemaVersion: 4, origin: east, changes: [
                    RowChange(table: "segmentMember", rowID: memberB, hlc: hlc(15), kind: .insert, fields: [
                        FieldChange("customerId", text(ana.string)), FieldChange("segmentId", text(segment.string)), FieldChange("removed", .integer(0)),
                    ]),
                ]),
               ]),
        Vector(name: "15-concurrent-opposite-merges",
               summary: "Ana and Anna are one person: north merges Anna into Ana while south merges Ana into Anna, and east, which has seen neither merge, gives Anna a phone: Ana (created first) survives everywhere, Anna resolves to her (mergedFrom), Ana shows the newest non-empty e-mail and both of Anna's phones, each stored under Ana",
               changesets: [
                Changeset(schemaVersion: 5, origin: north, changes: [
                    insertAna(),
                    RowChange(table: "customer", rowID: anna, hlc: hlc(1), kind: .insert, fields: [
                        FieldChange("contactType", text("Individual")), FieldChange("firstName", text("Anna")), FieldChange("lastName", text("Example")),
                        FieldChange("email", text("anna@example.com")), FieldChange("status", text("Active")),
                    ]),
                    RowChange(table: "customerPhone", rowID: annaPhone, hlc: hlc(2), kind: .insert, fields: [
                        FieldChange("customerId", text(anna.string)), FieldChange("number", text("+13125550102")), FieldChange("primary", .integer(1)),
                    ]),
                    RowChange(table: "customerMerge", rowID: mergeNorth, hlc: hlc(10), kind: .insert, fields: [
                        FieldChange("fromId", text(anna.string)), FieldChange("intoId", text(ana.string)), FieldChange("mergedBy", text("n-1")),
                    ]),
                ]),
                Changeset(schemaVersion: 5, origin: south, changes: [
                    RowChange(table: "customerMerge", rowID: mergeSouth, hlc: hlc(11), kind: .insert, fields: [
                        FieldChange("fromId", text(ana.string)), FieldChange("intoId", text(anna.string)), FieldChange("mergedBy", text("s-1")),
                    ]),
                ]),
                Changeset(schemaVersion: 5, origin: east, changes: [
                    RowChange(table: "customerPhone", rowID: lateAnnaPhone, hlc: hlc(12), kind: .insert, fields: [
                        FieldChange("customerId", text(anna.string)), FieldChange("number", text("+13125550199")), FieldChange("primary", .integer(0)),
                    ]),
                ]),
               ]),
]
}
