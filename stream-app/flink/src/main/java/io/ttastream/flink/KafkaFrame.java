package io.ttastream.flink;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * A record of {@code audio.frames} as it travels through the job: key, value, timestamp and every header, in a
 * shape Flink serialises without Kryo (headers as two parallel arrays, in record order).
 *
 * @param key          the stream id, or null when the record had no key (then rejected)
 * @param value        the PCM16LE bytes, possibly null
 * @param headerNames  header names in record order
 * @param headerValues header values, parallel to {@code headerNames}
 */
public record KafkaFrame(String key, byte[] value, long timestamp, String[] headerNames, byte[][] headerValues) {

    /** The consumed record, its key decoded as UTF-8. */
    static KafkaFrame of(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        return new KafkaFrame(key, record.value(), record.timestamp(), new String[0], new byte[0][])
                .withHeaders(record.headers());
    }

    /** The headers as Kafka headers. */
    Headers headers() {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < headerNames.length; i++) {
            headers.add(headerNames[i], headerValues[i]);
        }
        return headers;
    }

    /** This record with other headers. */
    KafkaFrame withHeaders(Headers headers) {
        Header[] all = headers.toArray();
        String[] names = new String[all.length];
        byte[][] values = new byte[all.length][];
        for (int i = 0; i < all.length; i++) {
            names[i] = all[i].key();
            values[i] = all[i].value();
        }
        return new KafkaFrame(key, value, timestamp, names, values);
    }
}
