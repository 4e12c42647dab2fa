import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Lists a broker's topics, first creating the ones named after it: a smoke test for a broker started by
 * local-kafka.sh. Run as a single-file program on the broker's classpath:
 * <pre>java -cp "$(cat DATA_DIR/classpath.txt)" deploy/scripts/KafkaTopics.java 127.0.0.1:9092 [TOPIC...]</pre>
 */
public class KafkaTopics {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: KafkaTopics HOST:PORT [TOPIC_TO_CREATE...]");
            System.exit(2);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]))) {
            List<NewTopic> create = List.of(args).subList(1, args.length).stream()
                    .map(name -> new NewTopic(name, 1, (short) 1)).toList();
            if (!create.isEmpty()) {
                admin.createTopics(create).all().get();
            }
            System.out.println("cluster " + admin.describeCluster().clusterId().get());
            for (String topic : new TreeSet<>(admin.listTopics().names().get())) {
                System.out.println(topic);
            }
        }
    }
}
