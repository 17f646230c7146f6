package app;

import com.acme.util.Helper;

@SpringBootApplication
public class PetClinicApplication {
    public static void main(String[] args) {
        Helper.help();
    }
}
