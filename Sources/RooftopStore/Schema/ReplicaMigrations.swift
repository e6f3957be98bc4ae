import GRDB
import RooftopModel

/// The replica's SQLite schema, as GRDB migrations. Applied in order on open; never edited once
/// released (a later schema adds a migration).
enum ReplicaMigrations {
    /// The tables of schema version 1, frozen: released migrations never change. (Should a later
    /// schema append fields to these entities, it adds them with `ALTER TABLE` in its own
    /// migration and this list keeps schema 1's columns.)
    static let schema1Entities = [CRMSchema.customer, CRMSchema.customerPhone, CRMSchema.customerAddress,
                                  CRMSchema.customerInteraction, CRMSchema.vehicle, CRMSchema.customerVehicle]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-replica") { db in
            // Replica identity, the persisted HLC and other single values.
            try db.execute(sql: """
                CREATE TABLE replicaMeta (key TEXT PRIMARY KEY NOT NULL, value ANY) STRICT, WITHOUT ROWID;
                -- The per-origin change log: every change this replica made or applied, as it travels.
                CREATE TABLE changeLog (
                  origin TEXT NOT NULL, hlc INTEGER NOT NULL, tableName TEXT NOT NULL, rowId TEXT NOT NULL,
                  kind INTEGER NOT NULL, fields BLOB NOT NULL,
                  PRIMARY KEY (origin, hlc)) WITHOUT ROWID;
                -- Origin -> greatest HLC applied here.
                CREATE TABLE versionVector (origin TEXT PRIMARY KEY NOT NULL, hlc INTEGER NOT NULL) WITHOUT ROWID;
                -- The rooftop's view of the hub: last push acknowledged, last sync, last error.
                CREATE TABLE syncState (key TEXT PRIMARY KEY NOT NULL, value ANY) STRICT, WITHOUT ROWID;
                """)
            for entity in schema1Entities {
                try db.execute(sql: createTableSQL(entity, asOf: 1))
            }
            try db.execute(sql: """
                CREATE INDEX customer_lastName ON customer(lastName COLLATE NOCASE, firstName COLLATE NOCASE);
                CREATE INDEX customer_firstName ON customer(firstName COLLATE NOCASE);
                CREATE INDEX customer_businessName ON customer(businessName COLLATE NOCASE);
                CREATE INDEX customer_email ON customer(email);
                CREATE INDEX customerPhone_customerId ON customerPhone(customerId);
                CREATE INDEX customerPhone_number ON customerPhone(number);
                CREATE INDEX customerAddress_customerId ON customerAddress(customerId);
                CREATE INDEX customerInteraction_customerId ON customerInteraction(customerId, interactionDate);
                CREATE INDEX vehicle_vin ON vehicle(vin);
                CREATE INDEX customerVehicle_customerId ON customerVehicle(customerId);
                """)
        }
        migrator.registerMigration("v2-tombstones") { db in
            // `_deleted`/`_deletedBy`: the tombstone in force; `_tombstoned`: a delete is in the
            // row's history (its remote changes are merged by RowHistory.fold from the change log).
            for entity in schema1Entities {
                let table = entity.table.quotedDatabaseIdentifier
                try db.execute(sql: """
                    ALTER TABLE \(table) ADD COLUMN _deleted INTEGER;
                    ALTER TABLE \(table) ADD COLUMN _deletedBy TEXT;
                    ALTER TABLE \(table) ADD COLUMN _tombstoned INTEGER NOT NULL DEFAULT 0;
                    """)
            }
            try db.execute(sql: "CREATE INDEX changeLog_row ON changeLog(tableName, rowId)")
        }
        migrator.registerMigration("v3-change-schema-version") { db in
            // The schema version each change was written with, so relayed changesets keep it.
            try db.execute(sql: "ALTER TABLE changeLog ADD COLUMN schemaVersion INTEGER NOT NULL DEFAULT 1")
        }
        migrator.registerMigration("v4-schema-2-customer-tags") { db in
            try db.execute(sql: createTableSQL(CRMSchema.customerTag, asOf: 2, withLifecycle: true))
            try db.execute(sql: "CREATE INDEX customerTag_customerId ON customerTag(customerId)")
        }
        migrator.registerMigration("v5-schema-3-loyalty-ledger") { db in
            try db.execute(sql: createTableSQL(CRMSchema.loyaltyEvent, asOf: 3, withLifecycle: true))
            try db.execute(sql: "CREATE INDEX loyaltyEvent_customerId ON loyaltyEvent(customerId)")
        }
        migrator.registerMigration("v6-retention") { db in
            // Rows purged for good (their tombstone outlived the retention horizon): later changes
            // to them are ignored. `retentionFloor`: per origin, the newest change log entry dropped
            // with a purged row (a rooftop that had not seen it must re-bootstrap).
            try db.execute(sql: """
                CREATE TABLE purgedRow (tableName TEXT NOT NULL, rowId TEXT NOT NULL, purgedBy TEXT NOT NULL, hlc INTEGER NOT NULL,
                  PRIMARY KEY (tableName, rowId)) WITHOUT ROWID;
                CREATE TABLE retentionFloor (origin TEXT PRIMARY KEY NOT NULL, hlc INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v7-erasure") { db in
            // Customers erased on a data subject's request: their id, when and by whom. No personal data.
            try db.execute(sql: """
                CREATE TABLE erasedCustomer (customerId TEXT PRIMARY KEY NOT NULL, erasedBy TEXT NOT NULL, hlc INTEGER NOT NULL) WITHOUT ROWID;
                -- The hub's view of each rooftop's progress (its version vector at its last pull), for erasure acknowledgements.
                CREATE TABLE rooftopProgress (rooftop TEXT PRIMARY KEY NOT NULL, versionVector BLOB NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v8-deletes-cover-children") { db in
            // Finds "has any customer a delete in its history" in one step: children are merged with
            // their parent's deletes and restores only then (`sync-protocol/merge-rules.md#deletes-cover-children`).
            try db.execute(sql: "CREATE INDEX customer_tombstoned ON customer(id) WHERE _tombstoned = 1")
        }
        migrator.registerMigration("v9-restamps-and-review-queue") { db in
            // Unsent own changes re-stamped after this rooftop's clock had run far ahead (old HLC →
            // new HLC, when), for audit (`sync-protocol/hlc.md#a-clock-far-ahead`).
            // The review queue: this rooftop's unsent changes that could not be offered to the hub
            // (their row was purged, or their customer erased), kept for staff to apply again or
            // discard, never silently dropped (`sync-protocol/merge-rules.md#review-queue`). Local.
            try db.execute(sql: """
                CREATE TABLE restampedChange (oldHlc INTEGER PRIMARY KEY NOT NULL, newHlc INTEGER NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE reviewItem (
                  id TEXT PRIMARY KEY NOT NULL, createdAt INTEGER NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL,
                  origin TEXT NOT NULL, hlc INTEGER NOT NULL, tableName TEXT NOT NULL, rowId TEXT NOT NULL, kind INTEGER NOT NULL,
                  fields BLOB NOT NULL, customerId TEXT) WITHOUT ROWID;
                CREATE INDEX reviewItem_customerId ON reviewItem(customerId);
                """)
        }
        migrator.registerMigration("v10-ignored-changes") { db in
            // The hub's record of pushed changes it ignored because their row was purged (origin,
            // HLC, when, Unix ms): `hello` names them to their rooftop (after the newest it has
            // queued), so one whose push answer was lost still reaches that rooftop's review queue
            // (`sync-protocol/merge-rules.md#retention`).
            try db.execute(sql: """
                CREATE TABLE ignoredChange (origin TEXT NOT NULL, hlc INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (origin, hlc)) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v11-schema-4-whole-crm") { db in
            // Schema 4: the rest of the design document's entities, and the fields it appends to older ones.
            for entity in CRMSchema.entities {
                if entity.since == 4 {
                    try db.execute(sql: createTableSQL(entity, asOf: 4, withLifecycle: true))
                    if let parentField = entity.parentField {
                        try db.execute(sql: "CREATE INDEX \("\(entity.table)_\(parentField)".quotedDatabaseIdentifier) ON \(entity.table.quotedDatabaseIdentifier)(\(parentField.quotedDatabaseIdentifier))")
                    }
                } else {
                    for field in entity.fields where field.since == 4 {
                        try db.execute(sql: "ALTER TABLE \(entity.table.quotedDatabaseIdentifier) ADD COLUMN \(field.name.quotedDatabaseIdentifier) \(field.type.sqlType)")
                    }
                }
            }
            try db.execute(sql: """
                CREATE INDEX campaignMessage_campaignId ON campaignMessage(campaignId, status);
                CREATE INDEX segmentMember_segmentId ON segmentMember(segmentId);
                CREATE INDEX surveyResponse_surveyId ON surveyResponse(surveyId);
                CREATE INDEX scheduledInteraction_assignee ON scheduledInteraction(assignedToId, scheduledFor);
                CREATE INDEX customerInteraction_date ON customerInteraction(interactionDate);
                -- Local, never replicated: each rooftop's last refresh of a segment (its member count then).
                CREATE TABLE segmentRefresh (segmentId TEXT PRIMARY KEY NOT NULL, memberCount INTEGER NOT NULL, refreshedAt INTEGER NOT NULL) WITHOUT ROWID;
                -- Local, derived: the words of every interaction's subject and content (SQLite FTS5,
                -- diacritics folded), kept by triggers whatever writes the row (local write, apply, erasure).
                -- FTS5 rows are found by integer rowid: customerInteractionDoc maps interaction ids to them.
                -- (No INSERT OR IGNORE in these triggers: an outer UPSERT's conflict policy overrides it.)
                CREATE TABLE customerInteractionDoc (docid INTEGER PRIMARY KEY, interactionId TEXT NOT NULL UNIQUE);
                CREATE VIRTUAL TABLE customerInteractionText USING fts5(subject, content, tokenize = 'unicode61 remove_diacritics 2');
                INSERT INTO customerInteractionDoc (interactionId) SELECT id FROM customerInteraction WHERE _created IS NOT NULL AND _deleted IS NULL;
                INSERT INTO customerInteractionText (rowid, subject, content)
                  SELECT d.docid, i.subject, i.content FROM customerInteraction i JOIN customerInteractionDoc d ON d.interactionId = i.id;
                CREATE TRIGGER customerInteractionText_insert AFTER INSERT ON customerInteraction
                  WHEN NEW._created IS NOT NULL AND NEW._deleted IS NULL BEGIN
                  INSERT INTO customerInteractionDoc (interactionId) SELECT NEW.id
                    WHERE NOT EXISTS (SELECT 1 FROM customerInteractionDoc WHERE interactionId = NEW.id);
                  INSERT INTO customerInteractionText (rowid, subject, content)
                    VALUES ((SELECT docid FROM customerInteractionDoc WHERE interactionId = NEW.id), NEW.subject, NEW.content);
                END;
                CREATE TRIGGER customerInteractionText_update AFTER UPDATE OF subject, content, _created, _deleted ON customerInteraction BEGIN
                  DELETE FROM customerInteractionText WHERE rowid = (SELECT docid FROM customerInteractionDoc WHERE interactionId = OLD.id);
                  INSERT INTO customerInteractionDoc (interactionId) SELECT NEW.id WHERE NEW._created IS NOT NULL AND NEW._deleted IS NULL
                    AND NOT EXISTS (SELECT 1 FROM customerInteractionDoc WHERE interactionId = NEW.id);
                  INSERT INTO customerInteractionText (rowid, subject, content)
                    SELECT d.docid, NEW.subject, NEW.content FROM customerInteractionDoc d
                    WHERE d.interactionId = NEW.id AND NEW._created IS NOT NULL AND NEW._deleted IS NULL;
                END;
                CREATE TRIGGER customerInteractionText_delete AFTER DELETE ON customerInteraction BEGIN
                  DELETE FROM customerInteractionText WHERE rowid = (SELECT docid FROM customerInteractionDoc WHERE interactionId = OLD.id);
                  DELETE FROM customerInteractionDoc WHERE interactionId = OLD.id;
                END;
                """)
        }
        migrator.registerMigration("v12-schema-5-customer-merges") { db in
            // Schema 5: duplicate-customer merges (`sync-protocol/customer-merge.md`).
            try db.execute(sql: createTableSQL(CRMSchema.customerMerge, asOf: 5, withLifecycle: true))
            try db.execute(sql: """
                CREATE INDEX customerMerge_fromId ON customerMerge(fromId);
                CREATE INDEX customerMerge_intoId ON customerMerge(intoId);
                -- Local, derived from the live merges (rebuilt by CustomerMerges.reproject, the same on
                -- every replica that has seen the same changes): each absorbed customer -> its survivor.
                CREATE TABLE customerAlias (id TEXT PRIMARY KEY NOT NULL, survivorId TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX customerAlias_survivorId ON customerAlias(survivorId);
                -- Local: a child row stored under a survivor, with the customer its insert named
                -- (needed to move it back when the merge is undone).
                CREATE TABLE reparentedRow (tableName TEXT NOT NULL, rowId TEXT NOT NULL, originalCustomerId TEXT NOT NULL,
                  PRIMARY KEY (tableName, rowId)) WITHOUT ROWID;
                CREATE INDEX reparentedRow_original ON reparentedRow(originalCustomerId);
                -- The survivor of an absorbed customer (NULL otherwise): hidden from lists and searches.
                ALTER TABLE customer ADD COLUMN _mergedInto TEXT;
                """)
        }
        migrator.registerMigration("v13-customer-search-index") { db in
            // Local, derived (never replicated): the indexes of the service-desk search box
            // (`CustomerSearch`), kept by triggers whatever writes the rows (local write, apply,
            // merge, erasure, purge), so a row applied from another rooftop is searchable at once.
            // Every created customer is indexed; visibility (deleted, absorbed) is checked at query time.
            try db.execute(sql: """
                CREATE TABLE customerSearchDoc (docid INTEGER PRIMARY KEY, customerId TEXT NOT NULL UNIQUE);
                -- name: first, last and business name words, folded (TextFolding); place: the cities of its addresses.
                CREATE VIRTUAL TABLE customerSearchText USING fts5(name, place, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
                CREATE VIRTUAL TABLE customerSearchTerms USING fts5vocab(customerSearchText, 'row');
                INSERT INTO customerSearchDoc (customerId) SELECT id FROM customer WHERE _created IS NOT NULL;
                INSERT INTO customerSearchText (rowid, name, place)
                  SELECT d.docid, rooftop_fold(coalesce(c.firstName, '') || ' ' || coalesce(c.lastName, '') || ' ' || coalesce(c.businessName, '')),
                         (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a WHERE a.customerId = c.id AND a._created IS NOT NULL AND a._deleted IS NULL)
                  FROM customer c JOIN customerSearchDoc d ON d.customerId = c.id;
                CREATE TRIGGER customerSearch_insert AFTER INSERT ON customer WHEN NEW._created IS NOT NULL BEGIN
                  INSERT INTO customerSearchDoc (customerId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM customerSearchDoc WHERE customerId = NEW.id);
                  DELETE FROM customerSearchText WHERE rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = NEW.id);
                  INSERT INTO customerSearchText (rowid, name, place)
                    VALUES ((SELECT docid FROM customerSearchDoc WHERE customerId = NEW.id), rooftop_fold(coalesce(NEW.firstName, '') || ' ' || coalesce(NEW.lastName, '') || ' ' || coalesce(NEW.businessName, '')),
                            (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a WHERE a.customerId = NEW.id AND a._created IS NOT NULL AND a._deleted IS NULL));
                END;
                CREATE TRIGGER customerSearch_update AFTER UPDATE OF firstName, lastName, businessName, _created ON customer WHEN NEW._created IS NOT NULL BEGIN
                  INSERT INTO customerSearchDoc (customerId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM customerSearchDoc WHERE customerId = NEW.id);
                  DELETE FROM customerSearchText WHERE rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = NEW.id);
                  INSERT INTO customerSearchText (rowid, name, place)
                    VALUES ((SELECT docid FROM customerSearchDoc WHERE customerId = NEW.id), rooftop_fold(coalesce(NEW.firstName, '') || ' ' || coalesce(NEW.lastName, '') || ' ' || coalesce(NEW.businessName, '')),
                            (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a WHERE a.customerId = NEW.id AND a._created IS NOT NULL AND a._deleted IS NULL));
                END;
                CREATE TRIGGER customerSearch_delete AFTER DELETE ON customer BEGIN
                  DELETE FROM customerSearchText WHERE rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = OLD.id);
                  DELETE FROM customerSearchDoc WHERE customerId = OLD.id;
                END;
                -- An address written, moved (a merge), deleted or purged refreshes its customer's places.
                CREATE TRIGGER customerSearch_addressInsert AFTER INSERT ON customerAddress BEGIN
                  UPDATE customerSearchText SET place = (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a
                      WHERE a.customerId = NEW.customerId AND a._created IS NOT NULL AND a._deleted IS NULL)
                    WHERE rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = NEW.customerId);
                END;
                CREATE TRIGGER customerSearch_addressUpdate AFTER UPDATE OF city, customerId, _created, _deleted ON customerAddress BEGIN
                  UPDATE customerSearchText SET place = (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a
                      WHERE a.customerId = NEW.customerId AND a._created IS NOT NULL AND a._deleted IS NULL)
                    WHERE rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = NEW.customerId);
                  UPDATE customerSearchText SET place = (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a
                      WHERE a.customerId = OLD.customerId AND a._created IS NOT NULL AND a._deleted IS NULL)
                    WHERE OLD.customerId IS NOT NEW.customerId AND rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = OLD.customerId);
                END;
                CREATE TRIGGER customerSearch_addressDelete AFTER DELETE ON customerAddress BEGIN
                  UPDATE customerSearchText SET place = (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a
                      WHERE a.customerId = OLD.customerId AND a._created IS NOT NULL AND a._deleted IS NULL)
                    WHERE rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = OLD.customerId);
                END;
                -- Phone digits and VINs: trigram indexes, so the last 4 or 7 digits of a phone and the
                -- last 6-8 characters of a VIN are found without scanning (SQLite FTS5 trigram tokenizer).
                CREATE TABLE phoneSearchDoc (docid INTEGER PRIMARY KEY, phoneId TEXT NOT NULL UNIQUE);
                CREATE VIRTUAL TABLE phoneSearchText USING fts5(digits, tokenize = 'trigram');
                INSERT INTO phoneSearchDoc (phoneId) SELECT id FROM customerPhone WHERE number IS NOT NULL;
                INSERT INTO phoneSearchText (rowid, digits) SELECT d.docid, substr(p.number, 2) FROM customerPhone p JOIN phoneSearchDoc d ON d.phoneId = p.id;
                CREATE TRIGGER phoneSearch_insert AFTER INSERT ON customerPhone WHEN NEW.number IS NOT NULL BEGIN
                  INSERT INTO phoneSearchDoc (phoneId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM phoneSearchDoc WHERE phoneId = NEW.id);
                  DELETE FROM phoneSearchText WHERE rowid = (SELECT docid FROM phoneSearchDoc WHERE phoneId = NEW.id);
                  INSERT INTO phoneSearchText (rowid, digits) VALUES ((SELECT docid FROM phoneSearchDoc WHERE phoneId = NEW.id), substr(NEW.number, 2));
                END;
                CREATE TRIGGER phoneSearch_update AFTER UPDATE OF number ON customerPhone BEGIN
                  INSERT INTO phoneSearchDoc (phoneId) SELECT NEW.id WHERE NEW.number IS NOT NULL AND NOT EXISTS (SELECT 1 FROM phoneSearchDoc WHERE phoneId = NEW.id);
                  DELETE FROM phoneSearchText WHERE rowid = (SELECT docid FROM phoneSearchDoc WHERE phoneId = NEW.id);
                  INSERT INTO phoneSearchText (rowid, digits) SELECT docid, substr(NEW.number, 2) FROM phoneSearchDoc WHERE phoneId = NEW.id AND NEW.number IS NOT NULL;
                END;
                CREATE TRIGGER phoneSearch_delete AFTER DELETE ON customerPhone BEGIN
                  DELETE FROM phoneSearchText WHERE rowid = (SELECT docid FROM phoneSearchDoc WHERE phoneId = OLD.id);
                  DELETE FROM phoneSearchDoc WHERE phoneId = OLD.id;
                END;
                CREATE TABLE vinSearchDoc (docid INTEGER PRIMARY KEY, vehicleId TEXT NOT NULL UNIQUE);
                CREATE VIRTUAL TABLE vinSearchText USING fts5(vin, tokenize = 'trigram');
                INSERT INTO vinSearchDoc (vehicleId) SELECT id FROM vehicle WHERE vin IS NOT NULL;
                INSERT INTO vinSearchText (rowid, vin) SELECT d.docid, v.vin FROM vehicle v JOIN vinSearchDoc d ON d.vehicleId = v.id;
                CREATE TRIGGER vinSearch_insert AFTER INSERT ON vehicle WHEN NEW.vin IS NOT NULL BEGIN
                  INSERT INTO vinSearchDoc (vehicleId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM vinSearchDoc WHERE vehicleId = NEW.id);
                  DELETE FROM vinSearchText WHERE rowid = (SELECT docid FROM vinSearchDoc WHERE vehicleId = NEW.id);
                  INSERT INTO vinSearchText (rowid, vin) VALUES ((SELECT docid FROM vinSearchDoc WHERE vehicleId = NEW.id), NEW.vin);
                END;
                CREATE TRIGGER vinSearch_update AFTER UPDATE OF vin ON vehicle BEGIN
                  INSERT INTO vinSearchDoc (vehicleId) SELECT NEW.id WHERE NEW.vin IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vinSearchDoc WHERE vehicleId = NEW.id);
                  DELETE FROM vinSearchText WHERE rowid = (SELECT docid FROM vinSearchDoc WHERE vehicleId = NEW.id);
                  INSERT INTO vinSearchText (rowid, vin) SELECT docid, NEW.vin FROM vinSearchDoc WHERE vehicleId = NEW.id AND NEW.vin IS NOT NULL;
                END;
                CREATE TRIGGER vinSearch_delete AFTER DELETE ON vehicle BEGIN
                  DELETE FROM vinSearchText WHERE rowid = (SELECT docid FROM vinSearchDoc WHERE vehicleId = OLD.id);
                  DELETE FROM vinSearchDoc WHERE vehicleId = OLD.id;
                END;
                CREATE INDEX IF NOT EXISTS customerVehicle_vehicleId ON customerVehicle(vehicleId);
                """)
        }
        migrator.registerMigration("v14-customer-tier-rank") { db in
            // Local, derived (never replicated): the rank of the loyalty tier each customer shows
            // (LoyaltyAccount.tierRankSQL: the higher of the stored tier and the tier earned by the
            // ledger's visible adds; -1 without either), kept by triggers whatever writes the
            // customer or its events (local write, apply, merge, erasure, purge), and indexed so a
            // list filtered by tier reads only that tier's customers (`customer_tierRank`).
            let rank = LoyaltyAccount.tierRankSQL
            try db.execute(sql: """
                ALTER TABLE customer ADD COLUMN _tierRank INTEGER NOT NULL DEFAULT -1;
                UPDATE customer SET _tierRank = \(rank);
                CREATE INDEX customer_tierRank ON customer(_tierRank, id);
                CREATE TRIGGER customerTier_insert AFTER INSERT ON customer
                  WHEN NEW.loyaltyTier IS NOT NULL OR EXISTS (SELECT 1 FROM loyaltyEvent WHERE customerId = NEW.id) BEGIN
                  UPDATE customer SET _tierRank = \(rank) WHERE id = NEW.id;
                END;
                CREATE TRIGGER customerTier_update AFTER UPDATE OF loyaltyTier ON customer BEGIN
                  UPDATE customer SET _tierRank = \(rank) WHERE id = NEW.id;
                END;
                CREATE TRIGGER customerTier_eventInsert AFTER INSERT ON loyaltyEvent BEGIN
                  UPDATE customer SET _tierRank = \(rank) WHERE id = NEW.customerId;
                END;
                CREATE TRIGGER customerTier_eventUpdate AFTER UPDATE OF customerId, kind, points, _created, _deleted ON loyaltyEvent BEGIN
                  UPDATE customer SET _tierRank = \(rank) WHERE id IN (NEW.customerId, OLD.customerId);
                END;
                CREATE TRIGGER customerTier_eventDelete AFTER DELETE ON loyaltyEvent BEGIN
                  UPDATE customer SET _tierRank = \(rank) WHERE id = OLD.customerId;
                END;
                """)
        }
        migrator.registerMigration("v15-schema-6-duplicate-decisions") { db in
            // Schema 6: reviewers' decisions on possible duplicates (`sync-protocol/duplicate-detection.md`).
            try db.execute(sql: createTableSQL(CRMSchema.duplicateDecision, asOf: 6, withLifecycle: true))
            try db.execute(sql: """
                CREATE INDEX duplicateDecision_pair ON duplicateDecision(customerA, customerB);
                -- Local, derived (never replicated): the review queue the last duplicate scan filled.
                -- a < b; fields is the JSON of the score's field comparisons.
                CREATE TABLE duplicateCandidate (a TEXT NOT NULL, b TEXT NOT NULL, probability REAL NOT NULL, weight REAL NOT NULL,
                  fields TEXT NOT NULL, scannedAt TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
                CREATE INDEX duplicateCandidate_rank ON duplicateCandidate(probability DESC, a, b);
                CREATE INDEX duplicateCandidate_b ON duplicateCandidate(b);
                """)
        }
        migrator.registerMigration("v16-duplicate-model") { db in
            // Local (never replicated): the match model parameters the last estimating duplicate scan
            // kept (JSON of `MatchModel.Parameters`), reused while the customer count stays within 10%.
            try db.execute(sql: """
                CREATE TABLE duplicateModel (id INTEGER PRIMARY KEY CHECK (id = 1), customers INTEGER NOT NULL,
                  parameters TEXT NOT NULL, estimatedAt TEXT NOT NULL);
                """)
        }
        migrator.registerMigration("v17-schema-7-leads") { db in
            // Schema 7: leads as they arrived (`sync-protocol/lead-intake.md`).
            try db.execute(sql: createTableSQL(CRMSchema.lead, asOf: 7, withLifecycle: true))
            try db.execute(sql: """
                CREATE INDEX lead_customerId ON lead(customerId);
                CREATE INDEX lead_receivedAt ON lead(receivedAt);
                CREATE INDEX lead_providerLeadId ON lead(providerLeadId);
                """)
        }
        migrator.registerMigration("v18-duplicate-check-keys") { db in
            // The check on create looks a typed-again customer up by birth date and by house number
            // within a postal code, so a name typo, nickname or married name without a shared
            // e-mail or phone is still found (`sync-protocol/duplicate-detection.md#the-check-on-create`).
            // Local indexes: nothing replicated changes.
            try db.execute(sql: """
                CREATE INDEX customer_birthDate ON customer(birthDate) WHERE birthDate IS NOT NULL;
                CREATE INDEX customerAddress_place ON customerAddress(postalCode, street COLLATE NOCASE);
                """)
        }
        migrator.registerMigration("v19-phone-suffix-index") { db in
            // The last 4 or 7 digits of a phone as a range lookup: an index on the number read
            // backwards (`CustomerSearch.reversedNumber`, built-in functions only, so any SQLite reads
            // the file). It replaces the trigram index of v13, which yielded every number holding the
            // digits anywhere, each then checked for ending in them (22 ms p99 at a million).
            try db.execute(sql: """
                CREATE INDEX customerPhone_reversed ON customerPhone(\(CustomerSearch.reversedNumber));
                DROP TRIGGER phoneSearch_insert;
                DROP TRIGGER phoneSearch_update;
                DROP TRIGGER phoneSearch_delete;
                DROP TABLE phoneSearchText;
                DROP TABLE phoneSearchDoc;
                """)
        }
        migrator.registerMigration("v20-deferred-search-rows") { db in
            // A transaction writing many customers (a changeset's apply) or a bulk load defers the
            // search box's FTS5 rows (`CustomerSearchDeferral`): SQLite ends each trigger-firing
            // statement with a savepoint release, at which FTS5 wrote a segment per customer (half of
            // an apply's time). While `customerSearchDeferred` holds a row (inside one transaction, or
            // a bulk load that has the file to itself), the address trigger, and with `names` the
            // customer trigger too, only note the customer in `customerSearchPending`. Local,
            // derived: nothing replicated changes.
            // The v13 triggers, each now firing only while nothing defers it.
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS customerSearchPending (seq INTEGER PRIMARY KEY, customerId TEXT NOT NULL UNIQUE);
                CREATE TABLE customerSearchDeferred (names INTEGER NOT NULL);
                DROP TRIGGER IF EXISTS customerSearch_insert;
                DROP TRIGGER IF EXISTS customerSearch_addressInsert;
                CREATE TRIGGER customerSearch_insert AFTER INSERT ON customer
                  WHEN NEW._created IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customerSearchDeferred WHERE names) BEGIN
                  INSERT INTO customerSearchDoc (customerId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM customerSearchDoc WHERE customerId = NEW.id);
                  DELETE FROM customerSearchText WHERE rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = NEW.id);
                  INSERT INTO customerSearchText (rowid, name, place)
                    VALUES ((SELECT docid FROM customerSearchDoc WHERE customerId = NEW.id), rooftop_fold(coalesce(NEW.firstName, '') || ' ' || coalesce(NEW.lastName, '') || ' ' || coalesce(NEW.businessName, '')),
                            (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a WHERE a.customerId = NEW.id AND a._created IS NOT NULL AND a._deleted IS NULL));
                END;
                CREATE TRIGGER customerSearch_addressInsert AFTER INSERT ON customerAddress
                  WHEN NOT EXISTS (SELECT 1 FROM customerSearchDeferred) BEGIN
                  UPDATE customerSearchText SET place = (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a
                      WHERE a.customerId = NEW.customerId AND a._created IS NOT NULL AND a._deleted IS NULL)
                    WHERE rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = NEW.customerId);
                END;
                """)
            try db.execute(sql: """
                CREATE TRIGGER customerSearchDeferred_insert AFTER INSERT ON customer
                  WHEN NEW._created IS NOT NULL AND EXISTS (SELECT 1 FROM customerSearchDeferred WHERE names) BEGIN
                  INSERT INTO customerSearchPending (customerId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM customerSearchPending WHERE customerId = NEW.id);
                END;
                CREATE TRIGGER customerSearchDeferred_addressInsert AFTER INSERT ON customerAddress
                  WHEN EXISTS (SELECT 1 FROM customerSearchDeferred) BEGIN
                  INSERT INTO customerSearchPending (customerId) SELECT NEW.customerId WHERE NOT EXISTS (SELECT 1 FROM customerSearchPending WHERE customerId = NEW.customerId);
                END;
                """)
        }
        migrator.registerMigration("v21-imported-customer-rows") { db in
            // A customer an import created from a row keyed by its source system's `externalId`, with a
            // SHA-256 of that row's fields: a rerun finds the customer by the id the key derives, and the
            // hash tells the same row again (already imported) from another record under the same key
            // (another system's numbering: rejected, not silently skipped). Local: nothing replicated
            // changes. The row goes with its customer (an erasure, a purge).
            try db.execute(sql: """
                CREATE TABLE importedCustomerRow (customerId TEXT PRIMARY KEY, contentHash BLOB NOT NULL) WITHOUT ROWID;
                CREATE TRIGGER importedCustomerRow_purge AFTER DELETE ON customer BEGIN
                  DELETE FROM importedCustomerRow WHERE customerId = OLD.id;
                END;
                """)
        }
        migrator.registerMigration("v22-deferred-text-rows") { db in
            // The interactions' and VINs' FTS5 rows deferred as the customers' are (v20,
            // `CustomerSearchDeferral`): while `customerSearchDeferred` holds a row with `names`, an
            // inserted interaction or vehicle is only noted, and its row written at the end of the
            // transaction with the others. Their insert triggers (v11, v13), now firing only while
            // nothing defers them. Local, derived: nothing replicated changes.
            try db.execute(sql: """
                CREATE TABLE customerInteractionTextPending (seq INTEGER PRIMARY KEY, interactionId TEXT NOT NULL UNIQUE);
                CREATE TABLE vinSearchPending (seq INTEGER PRIMARY KEY, vehicleId TEXT NOT NULL UNIQUE);
                DROP TRIGGER IF EXISTS customerInteractionText_insert;
                CREATE TRIGGER customerInteractionText_insert AFTER INSERT ON customerInteraction
                  WHEN NEW._created IS NOT NULL AND NEW._deleted IS NULL AND NOT EXISTS (SELECT 1 FROM customerSearchDeferred WHERE names) BEGIN
                  INSERT INTO customerInteractionDoc (interactionId) SELECT NEW.id
                    WHERE NOT EXISTS (SELECT 1 FROM customerInteractionDoc WHERE interactionId = NEW.id);
                  INSERT INTO customerInteractionText (rowid, subject, content)
                    VALUES ((SELECT docid FROM customerInteractionDoc WHERE interactionId = NEW.id), NEW.subject, NEW.content);
                END;
                CREATE TRIGGER customerInteractionTextDeferred_insert AFTER INSERT ON customerInteraction
                  WHEN NEW._created IS NOT NULL AND NEW._deleted IS NULL AND EXISTS (SELECT 1 FROM customerSearchDeferred WHERE names) BEGIN
                  INSERT INTO customerInteractionTextPending (interactionId) SELECT NEW.id
                    WHERE NOT EXISTS (SELECT 1 FROM customerInteractionTextPending WHERE interactionId = NEW.id);
                END;
                DROP TRIGGER IF EXISTS vinSearch_insert;
                CREATE TRIGGER vinSearch_insert AFTER INSERT ON vehicle
                  WHEN NEW.vin IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customerSearchDeferred WHERE names) BEGIN
                  INSERT INTO vinSearchDoc (vehicleId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM vinSearchDoc WHERE vehicleId = NEW.id);
                  DELETE FROM vinSearchText WHERE rowid = (SELECT docid FROM vinSearchDoc WHERE vehicleId = NEW.id);
                  INSERT INTO vinSearchText (rowid, vin) VALUES ((SELECT docid FROM vinSearchDoc WHERE vehicleId = NEW.id), NEW.vin);
                END;
                -- An update of a row noted in the same transaction leaves it to the deferral's end, which
                -- writes it from its final values: written here, it would take a document (docid) before
                -- the rows noted ahead of it.
                DROP TRIGGER IF EXISTS customerSearch_update;
                CREATE TRIGGER customerSearch_update AFTER UPDATE OF firstName, lastName, businessName, _created ON customer
                  WHEN NEW._created IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customerSearchPending WHERE customerId = NEW.id) BEGIN
                  INSERT INTO customerSearchDoc (customerId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM customerSearchDoc WHERE customerId = NEW.id);
                  DELETE FROM customerSearchText WHERE rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = NEW.id);
                  INSERT INTO customerSearchText (rowid, name, place)
                    VALUES ((SELECT docid FROM customerSearchDoc WHERE customerId = NEW.id), rooftop_fold(coalesce(NEW.firstName, '') || ' ' || coalesce(NEW.lastName, '') || ' ' || coalesce(NEW.businessName, '')),
                            (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a WHERE a.customerId = NEW.id AND a._created IS NOT NULL AND a._deleted IS NULL));
                END;
                DROP TRIGGER IF EXISTS customerInteractionText_update;
                CREATE TRIGGER customerInteractionText_update AFTER UPDATE OF subject, content, _created, _deleted ON customerInteraction
                  WHEN NOT EXISTS (SELECT 1 FROM customerInteractionTextPending WHERE interactionId = NEW.id) BEGIN
                  DELETE FROM customerInteractionText WHERE rowid = (SELECT docid FROM customerInteractionDoc WHERE interactionId = OLD.id);
                  INSERT INTO customerInteractionDoc (interactionId) SELECT NEW.id WHERE NEW._created IS NOT NULL AND NEW._deleted IS NULL
                    AND NOT EXISTS (SELECT 1 FROM customerInteractionDoc WHERE interactionId = NEW.id);
                  INSERT INTO customerInteractionText (rowid, subject, content)
                    SELECT d.docid, NEW.subject, NEW.content FROM customerInteractionDoc d
                    WHERE d.interactionId = NEW.id AND NEW._created IS NOT NULL AND NEW._deleted IS NULL;
                END;
                DROP TRIGGER IF EXISTS vinSearch_update;
                CREATE TRIGGER vinSearch_update AFTER UPDATE OF vin ON vehicle
                  WHEN NOT EXISTS (SELECT 1 FROM vinSearchPending WHERE vehicleId = NEW.id) BEGIN
                  INSERT INTO vinSearchDoc (vehicleId) SELECT NEW.id WHERE NEW.vin IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vinSearchDoc WHERE vehicleId = NEW.id);
                  DELETE FROM vinSearchText WHERE rowid = (SELECT docid FROM vinSearchDoc WHERE vehicleId = NEW.id);
                  INSERT INTO vinSearchText (rowid, vin) SELECT docid, NEW.vin FROM vinSearchDoc WHERE vehicleId = NEW.id AND NEW.vin IS NOT NULL;
                END;
                CREATE TRIGGER vinSearchDeferred_insert AFTER INSERT ON vehicle
                  WHEN NEW.vin IS NOT NULL AND EXISTS (SELECT 1 FROM customerSearchDeferred WHERE names) BEGIN
                  INSERT INTO vinSearchPending (vehicleId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM vinSearchPending WHERE vehicleId = NEW.id);
                END;
                """)
        }
        migrator.registerMigration("v23-search-rows-at-commit") { db in
            // A statement that fires a trigger writing an FTS5 table, or an `UPDATE` of `customer`
            // (the tier rank), keeps a statement journal: a copy of every page it changes, written to
            // a temporary file (about 20 `pwrite` calls per new customer). An insert now only notes
            // the rows whose full-text rows it changes (the v20/v22 noting triggers, no longer waiting
            // for `customerSearchDeferred`), and every write transaction writes the noted rows before
            // it commits (`CustomerSearchDeferral`); a customer's tier rank is computed by its insert
            // (`RowIO`). Updates and deletes keep their triggers. Local, derived: nothing replicated changes.
            try db.execute(sql: """
                DROP TRIGGER IF EXISTS customerTier_insert;
                DROP TRIGGER IF EXISTS customerSearch_insert;
                DROP TRIGGER IF EXISTS customerSearch_addressInsert;
                DROP TRIGGER IF EXISTS customerInteractionText_insert;
                DROP TRIGGER IF EXISTS vinSearch_insert;
                DROP TRIGGER IF EXISTS customerSearchDeferred_insert;
                DROP TRIGGER IF EXISTS customerSearchDeferred_addressInsert;
                DROP TRIGGER IF EXISTS customerInteractionTextDeferred_insert;
                DROP TRIGGER IF EXISTS vinSearchDeferred_insert;
                CREATE TRIGGER customerSearchNote_insert AFTER INSERT ON customer WHEN NEW._created IS NOT NULL BEGIN
                  INSERT INTO customerSearchPending (customerId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM customerSearchPending WHERE customerId = NEW.id);
                END;
                CREATE TRIGGER customerSearchNote_addressInsert AFTER INSERT ON customerAddress BEGIN
                  INSERT INTO customerSearchPending (customerId) SELECT NEW.customerId WHERE NOT EXISTS (SELECT 1 FROM customerSearchPending WHERE customerId = NEW.customerId);
                END;
                CREATE TRIGGER customerInteractionTextNote_insert AFTER INSERT ON customerInteraction
                  WHEN NEW._created IS NOT NULL AND NEW._deleted IS NULL BEGIN
                  INSERT INTO customerInteractionTextPending (interactionId) SELECT NEW.id
                    WHERE NOT EXISTS (SELECT 1 FROM customerInteractionTextPending WHERE interactionId = NEW.id);
                END;
                CREATE TRIGGER vinSearchNote_insert AFTER INSERT ON vehicle WHEN NEW.vin IS NOT NULL BEGIN
                  INSERT INTO vinSearchPending (vehicleId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM vinSearchPending WHERE vehicleId = NEW.id);
                END;
                """)
            // Rows an older release noted and left (a bulk load killed midway): written now.
            try CustomerSearchDeferral.writeNoted(db)
        }
        migrator.registerMigration("v24-documents-in-order") { db in
            // A row with no full-text document yet (a customer known here only from an update until
            // its insert arrives, a vehicle given its VIN later, an interaction restored) is noted by
            // its update too, rather than given a document at once: since v23 an insert's document is
            // made at the end of its transaction, so the update's would come ahead of rows inserted
            // before it, and name search breaks ties by document number. The writing update triggers
            // now fire only for a row that has its document.
            try db.execute(sql: """
                DROP TRIGGER IF EXISTS customerSearch_update;
                CREATE TRIGGER customerSearch_update AFTER UPDATE OF firstName, lastName, businessName, _created ON customer
                  WHEN NEW._created IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customerSearchPending WHERE customerId = NEW.id)
                    AND EXISTS (SELECT 1 FROM customerSearchDoc WHERE customerId = NEW.id) BEGIN
                  DELETE FROM customerSearchText WHERE rowid = (SELECT docid FROM customerSearchDoc WHERE customerId = NEW.id);
                  INSERT INTO customerSearchText (rowid, name, place)
                    VALUES ((SELECT docid FROM customerSearchDoc WHERE customerId = NEW.id), rooftop_fold(coalesce(NEW.firstName, '') || ' ' || coalesce(NEW.lastName, '') || ' ' || coalesce(NEW.businessName, '')),
                            (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a WHERE a.customerId = NEW.id AND a._created IS NOT NULL AND a._deleted IS NULL));
                END;
                CREATE TRIGGER customerSearchNote_update AFTER UPDATE OF firstName, lastName, businessName, _created ON customer
                  WHEN NEW._created IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customerSearchDoc WHERE customerId = NEW.id) BEGIN
                  INSERT INTO customerSearchPending (customerId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM customerSearchPending WHERE customerId = NEW.id);
                END;
                DROP TRIGGER IF EXISTS customerInteractionText_update;
                CREATE TRIGGER customerInteractionText_update AFTER UPDATE OF subject, content, _created, _deleted ON customerInteraction
                  WHEN NOT EXISTS (SELECT 1 FROM customerInteractionTextPending WHERE interactionId = NEW.id)
                    AND EXISTS (SELECT 1 FROM customerInteractionDoc WHERE interactionId = NEW.id) BEGIN
                  DELETE FROM customerInteractionText WHERE rowid = (SELECT docid FROM customerInteractionDoc WHERE interactionId = OLD.id);
                  INSERT INTO customerInteractionText (rowid, subject, content)
                    SELECT d.docid, NEW.subject, NEW.content FROM customerInteractionDoc d
                    WHERE d.interactionId = NEW.id AND NEW._created IS NOT NULL AND NEW._deleted IS NULL;
                END;
                CREATE TRIGGER customerInteractionTextNote_update AFTER UPDATE OF subject, content, _created, _deleted ON customerInteraction
                  WHEN NEW._created IS NOT NULL AND NEW._deleted IS NULL AND NOT EXISTS (SELECT 1 FROM customerInteractionDoc WHERE interactionId = NEW.id) BEGIN
                  INSERT INTO customerInteractionTextPending (interactionId) SELECT NEW.id
                    WHERE NOT EXISTS (SELECT 1 FROM customerInteractionTextPending WHERE interactionId = NEW.id);
                END;
                DROP TRIGGER IF EXISTS vinSearch_update;
                CREATE TRIGGER vinSearch_update AFTER UPDATE OF vin ON vehicle
                  WHEN NOT EXISTS (SELECT 1 FROM vinSearchPending WHERE vehicleId = NEW.id) AND EXISTS (SELECT 1 FROM vinSearchDoc WHERE vehicleId = NEW.id) BEGIN
                  DELETE FROM vinSearchText WHERE rowid = (SELECT docid FROM vinSearchDoc WHERE vehicleId = NEW.id);
                  INSERT INTO vinSearchText (rowid, vin) SELECT docid, NEW.vin FROM vinSearchDoc WHERE vehicleId = NEW.id AND NEW.vin IS NOT NULL;
                END;
                CREATE TRIGGER vinSearchNote_update AFTER UPDATE OF vin ON vehicle
                  WHEN NEW.vin IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vinSearchDoc WHERE vehicleId = NEW.id) BEGIN
                  INSERT INTO vinSearchPending (vehicleId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM vinSearchPending WHERE vehicleId = NEW.id);
                END;
                """)
        }
        migrator.registerMigration("v25-import-ids-in-write-order") { db in
            // A customer a keyed import creates gets a new UUIDv7, in write order, instead of an id
            // derived from its key (`sync-protocol/import-ids.md`): the ledger maps the key's id
            // (`keyId`, the UUIDv8 of the key, which was the customer's id before) to the customer.
            // Entries made before keep their id as both. An entry outlives its customer without its
            // row hash (erasure, purge): the key still names who it was, so a rerun neither brings an
            // erased customer back nor writes a purged one again. Local: nothing replicated changes.
            try db.execute(sql: """
                CREATE TABLE importedCustomerKey (keyId TEXT PRIMARY KEY, customerId TEXT NOT NULL, contentHash BLOB) WITHOUT ROWID;
                INSERT INTO importedCustomerKey (keyId, customerId, contentHash) SELECT customerId, customerId, contentHash FROM importedCustomerRow;
                CREATE INDEX importedCustomerKey_customerId ON importedCustomerKey(customerId);
                DROP TRIGGER importedCustomerRow_purge;
                DROP TABLE importedCustomerRow;
                CREATE TRIGGER importedCustomerKey_forget AFTER DELETE ON customer BEGIN
                  UPDATE importedCustomerKey SET contentHash = NULL WHERE customerId = OLD.id;
                END;
                """)
        }
        return migrator
    }

    /// The condition that a row is visible: inserted and not deleted.
    static let visible = "_created IS NOT NULL AND _deleted IS NULL"

    /// The condition that a customer is shown: visible and not absorbed by a merge.
    static let visibleCustomer = "_created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL"

    /// The visibility condition of `entity`'s rows (customers also hide absorbed ones).
    static func visible(_ entity: EntitySchema) -> String {
        entity.table == CRMSchema.customer.table ? visibleCustomer : visible
    }

    /// `CREATE TABLE` for an entity: `id`, one column per field, then the replication columns
    /// `_created` (insert HLC, NULL while only updates have arrived), `_createdBy` (its origin)
    /// and `_stamps` (each field's winning stamp, see ``StampCodec``).
    static func createTableSQL(_ entity: EntitySchema, asOf version: UInt16, withLifecycle: Bool = false) -> String {
        let columns = entity.fields(asOf: version).map { "\($0.name.quotedDatabaseIdentifier) \($0.type.sqlType)" }
        let lifecycle = withLifecycle ? ", _deleted INTEGER, _deletedBy TEXT, _tombstoned INTEGER NOT NULL DEFAULT 0" : ""
        return """
            CREATE TABLE \(entity.table.quotedDatabaseIdentifier) (
              id TEXT PRIMARY KEY NOT NULL,
              \(columns.joined(separator: ",\n  ")),
              _created INTEGER, _createdBy TEXT, _stamps BLOB NOT NULL\(lifecycle)
            ) WITHOUT ROWID
            """
    }
}
