package io.ttastream.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Versioned weight snapshots per adaptation scope, in RocksDB.
 *
 * <p>Layout (one column family per kind of record, so {@code ldb --column_family=...} reads naturally):
 * <pre>
 * snapshots   scope \0 version(8 bytes, big-endian)  -> SnapshotCodec bytes (large: blob files)
 * versions    scope \0 version                       -> small summary for listings (VersionInfo)
 * heads       scope                                  -> version served by latest() (8 bytes)
 * known_good  scope \0 version                       -> empty; presence marks the version known-good
 * </pre>
 *
 * <p>Guarantees: a commit (value, summary, head, known-good mark, retention deletions) is one
 * RocksDB write batch, written with the WAL synced before {@link #commit} returns. Reads use a
 * RocksDB snapshot, so a reader sees the head and the value it points to from the same commit.
 * Every value is CRC32C-verified when read; {@link #latest} falls back to the newest older
 * known-good version when the head is corrupt, logs it at SEVERE and tells the
 * {@link CorruptionListener}. Retention keeps the last N versions, every known-good one and
 * the head.
 *
 * <p>Reads may run on any number of threads; writes are serialised. RocksDB lets one process
 * open a store for writing; {@link #openForOperator} with {@code readOnly} can inspect a store
 * another process is writing.
 */
public final class WeightStore implements AutoCloseable {

    /** How many of the newest versions retention keeps per scope by default. */
    public static final int DEFAULT_RETAIN_LAST = 5;

    static final String SNAPSHOTS = "snapshots";
    static final String VERSIONS = "versions";
    static final String HEADS = "heads";
    static final String KNOWN_GOOD = "known_good";

    private static final Logger LOG = Logger.getLogger(WeightStore.class.getName());
    private static final byte[] NO_VALUE = new byte[0];

    /** Told about every corrupt version a read ran into. */
    @FunctionalInterface
    public interface CorruptionListener {
        /**
         * Called when the stored value of {@code scope} v{@code corruptVersion} failed verification.
         *
         * @param servedVersion the known-good version served instead, empty when none could be
         */
        void onCorruptSnapshot(String scope, long corruptVersion, OptionalLong servedVersion,
                               CorruptSnapshotException cause);
    }

    private final RocksDB db;
    private final ColumnFamilyHandle snapshots;
    private final ColumnFamilyHandle versions;
    private final ColumnFamilyHandle heads;
    private final ColumnFamilyHandle knownGood;
    private final List<ColumnFamilyHandle> handles;
    private final List<AutoCloseable> options;
    private final WriteOptions durableWrite;
    private final String modelId; // null: an operator store that accepts every model
    private final int retainLast;
    private final boolean readOnly;
    private final AtomicLong corruptionsDetected = new AtomicLong();
    private volatile CorruptionListener corruptionListener = (scope, version, served, cause) -> { };

    private WeightStore(RocksDB db, List<ColumnFamilyHandle> handles, List<AutoCloseable> options,
                        String modelId, int retainLast, boolean readOnly) {
        this.db = db;
        this.handles = handles;
        // handles come in the order of the descriptors in openDatabase; 0 is RocksDB's default family
        this.snapshots = handles.get(1);
        this.versions = handles.get(2);
        this.heads = handles.get(3);
        this.knownGood = handles.get(4);
        this.options = options;
        this.durableWrite = new WriteOptions().setSync(true);
        this.modelId = modelId;
        this.retainLast = retainLast;
        this.readOnly = readOnly;
    }

    /** Opens (creating if needed) the store in {@code directory} for the base model {@code modelId}. */
    public static WeightStore open(Path directory, String modelId) {
        return open(directory, modelId, DEFAULT_RETAIN_LAST);
    }

    /**
     * Opens (creating if needed) the store in {@code directory} for the base model {@code modelId};
     * commits and reads of snapshots of any other model throw {@link ModelMismatchException}.
     *
     * @param retainLast how many of the newest versions each scope keeps (known-good ones are kept regardless)
     */
    public static WeightStore open(Path directory, String modelId, int retainLast) {
        if (modelId == null || modelId.isEmpty()) {
            throw new IllegalArgumentException("a service store must be bound to a model identity");
        }
        return openDatabase(directory, modelId, retainLast, false);
    }

    /**
     * Opens an existing store for operator tools: snapshots of every model are accepted.
     * A read-only store can be opened while the service writes to it (it sees the state at opening).
     */
    public static WeightStore openForOperator(Path directory, boolean readOnly) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("no state store at " + directory);
        }
        return openDatabase(directory, null, DEFAULT_RETAIN_LAST, readOnly);
    }

    /**
     * A read-only view of a store another process may be writing. RocksDB's plain read-only open
     * can race the writer's compactions (the MANIFEST it read names a file just deleted); that
     * error is transient, so the open is retried a few times before it is reported.
     */
    private static RocksDB openReadOnly(DBOptions dbOptions, Path directory, List<ColumnFamilyDescriptor> families,
                                        List<ColumnFamilyHandle> handles) throws RocksDBException {
        for (int attempt = 1; ; attempt++) {
            try {
                return RocksDB.openReadOnly(dbOptions, directory.toString(), families, handles);
            } catch (RocksDBException e) {
                handles.forEach(ColumnFamilyHandle::close);
                handles.clear();
                if (attempt == 5) {
                    throw e;
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static WeightStore openDatabase(Path directory, String modelId, int retainLast, boolean readOnly) {
        if (retainLast < 1) {
            throw new IllegalArgumentException("retainLast must be at least 1, was " + retainLast);
        }
        RocksDB.loadLibrary();
        List<AutoCloseable> options = new ArrayList<>();
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2);
        ColumnFamilyOptions smallValues = new ColumnFamilyOptions();
        ColumnFamilyOptions largeValues = largeValueOptions();
        options.addAll(List.of(dbOptions, smallValues, largeValues));
        List<ColumnFamilyDescriptor> families = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, smallValues),
                new ColumnFamilyDescriptor(utf8(SNAPSHOTS), largeValues),
                new ColumnFamilyDescriptor(utf8(VERSIONS), smallValues),
                new ColumnFamilyDescriptor(utf8(HEADS), smallValues),
                new ColumnFamilyDescriptor(utf8(KNOWN_GOOD), smallValues));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db;
            if (readOnly) {
                db = openReadOnly(dbOptions, directory, families, handles);
            } else {
                Files.createDirectories(directory);
                db = RocksDB.open(dbOptions, directory.toString(), families, handles);
            }
            return new WeightStore(db, handles, options, modelId, retainLast, readOnly);
        } catch (RocksDBException | IOException e) {
            handles.forEach(ColumnFamilyHandle::close);
            options.forEach(WeightStore::closeQuietly);
            throw new StateStoreException("cannot open state store at " + directory, e);
        }
    }

    /**
     * Options for a few large values: they go to blob files (the LSM tree then only holds small
     * pointers, so compaction does not rewrite megabytes of weights), uncompressed (float32
     * weights barely compress), with blob garbage collection to reclaim versions that retention
     * dropped, and 64 KiB blocks for the little that stays in SST files.
     */
    private static ColumnFamilyOptions largeValueOptions() {
        return new ColumnFamilyOptions()
                .setEnableBlobFiles(true)
                .setMinBlobSize(16 * 1024)
                .setBlobFileSize(256L << 20)
                .setBlobCompressionType(CompressionType.NO_COMPRESSION)
                .setEnableBlobGarbageCollection(true)
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setWriteBufferSize(64L << 20)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockSize(64 * 1024));
    }

    /** The model identity this store is bound to; empty for an operator store. */
    public Optional<String> modelId() {
        return Optional.ofNullable(modelId);
    }

    /** Called for every corrupt version a read runs into (in addition to a SEVERE log record). */
    public void setCorruptionListener(CorruptionListener listener) {
        this.corruptionListener = listener == null ? (scope, version, served, cause) -> { } : listener;
    }

    /** How many corrupt stored versions reads have run into since opening. */
    public long corruptionsDetected() {
        return corruptionsDetected.get();
    }

    /**
     * Stores {@code draft} as the next version of its scope and moves the head to it, in one
     * synced write batch that also applies retention. A draft marked known-good is recorded as such.
     *
     * @return the version number assigned
     * @throws ModelMismatchException if the draft belongs to another model than the store
     */
    public synchronized long commit(Snapshot draft) {
        checkWritable();
        checkModel(draft);
        String scope = draft.scope();
        try (ConsistentRead view = new ConsistentRead()) {
            List<Long> existing = new ArrayList<>();
            forEachInScope(versions, scope, view.options, (version, value) -> existing.add(version));
            long version = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
            Snapshot snapshot = draft.withVersion(version);
            byte[] encoded = SnapshotCodec.encode(snapshot);
            byte[] key = versionKey(scope, version);

            NavigableSet<Long> good = knownGoodVersions(scope, view.options);
            if (snapshot.knownGood()) {
                good.add(version);
            }
            existing.add(version);
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(snapshots, key, encoded);
                batch.put(versions, key, VersionInfo.of(snapshot, encoded).toIndexValue());
                batch.put(heads, utf8(scope), longBytes(version));
                if (snapshot.knownGood()) {
                    batch.put(knownGood, key, NO_VALUE);
                }
                for (long expired : expiredVersions(existing, good)) {
                    batch.delete(snapshots, versionKey(scope, expired));
                    batch.delete(versions, versionKey(scope, expired));
                }
                db.write(durableWrite, batch);
            }
            return version;
        } catch (RocksDBException e) {
            throw new StateStoreException("commit of " + scope + " failed", e);
        }
    }

    /**
     * Versions retention drops: all but the newest {@code retainLast} and the known-good ones. The
     * head is safe too: retention runs only in a commit, which moves the head to the newest version.
     */
    private List<Long> expiredVersions(List<Long> ascendingVersions, NavigableSet<Long> good) {
        List<Long> expired = new ArrayList<>();
        for (long version : ascendingVersions.subList(0, Math.max(0, ascendingVersions.size() - retainLast))) {
            if (!good.contains(version)) {
                expired.add(version);
            }
        }
        return expired;
    }

    /**
     * The snapshot the scope's head points to. If its value is corrupt, the newest older known-good
     * version that verifies is served instead (logged at SEVERE, counted, and reported to the
     * listener); if there is none, empty, so the caller starts from the base model.
     *
     * @return empty when the scope has no snapshot (or nothing trustworthy is left)
     * @throws ModelMismatchException if the served snapshot belongs to another model than the store
     */
    public Optional<Snapshot> latest(String scope) {
        try (ConsistentRead view = new ConsistentRead()) {
            byte[] head = get(heads, view.options, utf8(scope));
            if (head == null) {
                return Optional.empty();
            }
            long headVersion = toLong(head);
            NavigableSet<Long> good = knownGoodVersions(scope, view.options);
            try {
                return Optional.of(load(scope, headVersion, good, view.options));
            } catch (CorruptSnapshotException headCorrupt) {
                for (long candidate : good.headSet(headVersion, false).descendingSet()) {
                    try {
                        Snapshot fallback = load(scope, candidate, good, view.options);
                        reportCorruption(scope, headVersion, OptionalLong.of(candidate), headCorrupt);
                        return Optional.of(fallback);
                    } catch (CorruptSnapshotException candidateCorrupt) {
                        reportCorruption(scope, candidate, OptionalLong.empty(), candidateCorrupt);
                    }
                }
                reportCorruption(scope, headVersion, OptionalLong.empty(), headCorrupt);
                return Optional.empty();
            }
        }
    }

    /**
     * One stored version, verified.
     *
     * @throws NoSuchElementException    if the version does not exist (never written, or dropped by retention)
     * @throws CorruptSnapshotException  if its value fails verification
     * @throws ModelMismatchException    if it belongs to another model than the store
     */
    public Snapshot read(String scope, long version) {
        try (ConsistentRead view = new ConsistentRead()) {
            return load(scope, version, knownGoodVersions(scope, view.options), view.options);
        }
    }

    /** Marks a stored version known-good after verifying it; retention will never drop it. */
    public synchronized void markKnownGood(String scope, long version) {
        checkWritable();
        read(scope, version);
        put(knownGood, versionKey(scope, version), NO_VALUE);
    }

    /** Moves the scope's head to an existing version after verifying it; later versions stay stored. */
    public synchronized void rollback(String scope, long version) {
        checkWritable();
        read(scope, version);
        put(heads, utf8(scope), longBytes(version));
        LOG.warning(() -> "state store: rolled " + scope + " back to v" + version);
    }

    /** Rolls the scope back to its newest known-good version, if it has one; returns that version. */
    public synchronized OptionalLong rollbackToLastKnownGood(String scope) {
        OptionalLong target = lastKnownGood(scope);
        target.ifPresent(version -> rollback(scope, version));
        return target;
    }

    /** The version {@link #latest} serves when nothing is corrupt. */
    public OptionalLong head(String scope) {
        try (ConsistentRead view = new ConsistentRead()) {
            byte[] head = get(heads, view.options, utf8(scope));
            return head == null ? OptionalLong.empty() : OptionalLong.of(toLong(head));
        }
    }

    /** The newest version marked known-good. */
    public OptionalLong lastKnownGood(String scope) {
        try (ConsistentRead view = new ConsistentRead()) {
            NavigableSet<Long> good = knownGoodVersions(scope, view.options);
            return good.isEmpty() ? OptionalLong.empty() : OptionalLong.of(good.last());
        }
    }

    /** Every scope that has a head, in byte order of their names. */
    public List<String> scopes() {
        List<String> scopes = new ArrayList<>();
        try (ConsistentRead view = new ConsistentRead(); RocksIterator it = db.newIterator(heads, view.options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                scopes.add(new String(it.key(), StandardCharsets.UTF_8));
            }
            checkIterator(it);
        }
        return scopes;
    }

    /** The stored versions of a scope, oldest first, from the small index (values are not read). */
    public List<VersionInfo> versions(String scope) {
        try (ConsistentRead view = new ConsistentRead()) {
            NavigableSet<Long> good = knownGoodVersions(scope, view.options);
            byte[] head = get(heads, view.options, utf8(scope));
            long headVersion = head == null ? Snapshot.UNASSIGNED_VERSION : toLong(head);
            List<VersionInfo> infos = new ArrayList<>();
            forEachInScope(versions, scope, view.options, (version, value) -> infos.add(
                    VersionInfo.fromIndexValue(scope, version, value, good.contains(version), version == headVersion)));
            return infos;
        }
    }

    /** Writes memtables to SST and blob files (tests use it to corrupt the files on disk). */
    void flush() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handles);
        } catch (RocksDBException e) {
            throw new StateStoreException("flush failed", e);
        }
    }

    /** Closes the database; no read or write may be in progress or follow. */
    @Override
    public synchronized void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        durableWrite.close();
        options.forEach(WeightStore::closeQuietly);
    }

    // ---- reading one version ------------------------------------------------------------------

    /** Reads, verifies and checks one version; the known-good flag reflects the current mark. */
    private Snapshot load(String scope, long version, NavigableSet<Long> good, ReadOptions readOptions) {
        byte[] bytes;
        try {
            bytes = db.get(snapshots, readOptions, versionKey(scope, version));
        } catch (RocksDBException e) {
            if (e.getStatus() != null && e.getStatus().getCode() == Status.Code.Corruption) {
                throw new CorruptSnapshotException("RocksDB reports corruption of " + scope + " v" + version, e);
            }
            throw new StateStoreException("read of " + scope + " v" + version + " failed", e);
        }
        if (bytes == null) {
            throw new NoSuchElementException("no version " + version + " of scope " + scope);
        }
        Snapshot snapshot = SnapshotCodec.decode(bytes);
        if (!snapshot.scope().equals(scope) || snapshot.version() != version) {
            throw new CorruptSnapshotException("value stored under " + scope + " v" + version + " holds "
                    + snapshot.scope() + " v" + snapshot.version());
        }
        checkModel(snapshot);
        return snapshot.withKnownGood(good.contains(version));
    }

    private void reportCorruption(String scope, long version, OptionalLong served, CorruptSnapshotException cause) {
        corruptionsDetected.incrementAndGet();
        LOG.severe("state store: CORRUPT snapshot " + scope + " v" + version + " (" + cause.getMessage()
                + (cause.getCause() != null ? ": " + cause.getCause().getMessage() : "") + "); "
                + (served.isPresent()
                        ? "serving known-good v" + served.getAsLong() + " instead"
                        : "no older known-good version left to serve"));
        corruptionListener.onCorruptSnapshot(scope, version, served, cause);
    }

    private void checkModel(Snapshot snapshot) {
        if (modelId != null && !modelId.equals(snapshot.modelId())) {
            throw new ModelMismatchException(snapshot.scope(), modelId, snapshot.modelId());
        }
    }

    private void checkWritable() {
        if (readOnly) {
            throw new IllegalStateException("this state store was opened read-only");
        }
    }

    // ---- RocksDB plumbing ---------------------------------------------------------------------

    /** A RocksDB snapshot and read options on it: all reads through it see one commit boundary. */
    private final class ConsistentRead implements AutoCloseable {
        final org.rocksdb.Snapshot view = db.getSnapshot();
        final ReadOptions options = new ReadOptions().setSnapshot(view);

        @Override
        public void close() {
            options.close();
            db.releaseSnapshot(view);
        }
    }

    private NavigableSet<Long> knownGoodVersions(String scope, ReadOptions readOptions) {
        NavigableSet<Long> good = new TreeSet<>();
        forEachInScope(knownGood, scope, readOptions, (version, value) -> good.add(version));
        return good;
    }

    /** Visits the keys {@code scope \0 version} of a column family in ascending version order. */
    private void forEachInScope(ColumnFamilyHandle family, String scope, ReadOptions readOptions,
                                BiConsumer<Long, byte[]> action) {
        byte[] prefix = scopePrefix(scope);
        try (RocksIterator it = db.newIterator(family, readOptions)) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (key.length != prefix.length + Long.BYTES
                        || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                    break;
                }
                action.accept(ByteBuffer.wrap(key, prefix.length, Long.BYTES).getLong(), it.value());
            }
            checkIterator(it);
        }
    }

    private static void checkIterator(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new StateStoreException("iteration failed", e);
        }
    }

    private byte[] get(ColumnFamilyHandle family, ReadOptions readOptions, byte[] key) {
        try {
            return db.get(family, readOptions, key);
        } catch (RocksDBException e) {
            throw new StateStoreException("read failed", e);
        }
    }

    private void put(ColumnFamilyHandle family, byte[] key, byte[] value) {
        try {
            db.put(family, durableWrite, key, value);
        } catch (RocksDBException e) {
            throw new StateStoreException("write failed", e);
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "ignored while closing", e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code scope \0}: the NUL keeps scope "a" from matching keys of scope "ab". */
    static byte[] scopePrefix(String scope) {
        byte[] name = utf8(Snapshot.checkScope(scope));
        return Arrays.copyOf(name, name.length + 1);
    }

    /** {@code scope \0 version}, the version big-endian so byte order is numeric order. */
    static byte[] versionKey(String scope, long version) {
        byte[] prefix = scopePrefix(scope);
        return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(version).array();
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static long toLong(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong();
    }
}
