package app;

import com.acme.util.*;

class Stars {
    int run() {
        return Helper.help();
    }
}
