package app;

import org.xml.sax.SAXBad;

class UsesSax {
    void run() {
        SAXBad.fail();
        new SAXBad();
    }
}
